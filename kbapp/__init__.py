"""kbapp: offline knowledge base and emergency playbooks for IT operations support.

The core (everything outside ``kbapp.gui``) is Qt-free; ``KnowledgeBase`` is the one
facade that the command line, the tests and the GUI use.
"""

__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    # Lazy, so that ``import kbapp`` stays cheap for the GUI's cold start.
    if name == "KnowledgeBase":
        from kbapp.facade import KnowledgeBase

        return KnowledgeBase
    raise AttributeError(name)
