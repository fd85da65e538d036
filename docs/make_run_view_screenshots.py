"""Screenshots of the run view for the README, without a display: a level I incident midway
through the data-loss playbook, in 中文 at 1280×720 and in English at 1920×1080.

    .venv/bin/python docs/make_run_view_screenshots.py        # writes docs/run-view-*.png

Runs Qt offscreen (QWidget.grab), on a throw-away data home; needs the Chinese font of
the README (fonts-wqy-microhei).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DOCS = Path(__file__).resolve().parent
SHOTS = (("zh_CN", 1280, 720, DOCS / "run-view-zh-1280x720.png"),
         ("en", 1920, 1080, DOCS / "run-view-en-1920x1080.png"))


def wait(app, predicate, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise SystemExit("timed out waiting for the window")
        app.processEvents()
        time.sleep(0.01)


def seed(kb) -> int:
    """The incident: notified an hour ago, the response missed (escalated to 李经理) and
    acknowledged 10 min late, three steps in, step 3's decision taken to the database branch."""
    from kbapp.incidents.escalation import EscalationChain, Person

    kb.incidents.save_chain(EscalationChain((
        Person("王工", "值班工程师 on-duty engineer", "138 0000 0001", "李经理"),
        Person("李经理", "技术主管 support lead", "138 0000 0002", "赵总"),
        Person("赵总", "服务总监 service director", "138 0000 0003"),
    )))
    now = dt.datetime.now(dt.UTC)
    svc = kb.incidents
    clock = {"t": now - dt.timedelta(minutes=45)}
    svc.clock = lambda: clock["t"]
    incident = svc.start("客户A 财务系统 2026-11 订单数据丢失 Finance system: November orders lost", "I",
                         description="业务人员发现 11 月 20 日之后的订单记录为空。", category="data-loss",
                         reporter="客户A 财务部 刘女士", responsible="王工", playbook_ids=["data-loss"],
                         actor="王工", notified_at=now - dt.timedelta(minutes=60))
    clock["t"] = now - dt.timedelta(minutes=29)
    kb.watcher(clock=lambda: clock["t"]).run_once()  # the response was missed: 李经理 was told
    clock["t"] = now - dt.timedelta(minutes=20)
    svc.acknowledge(incident.id, note="王工 接手", actor="王工")  # 10 min late
    clock["t"] = now - dt.timedelta(minutes=16)
    svc.step(incident.id, 1, "done", note="bizapp 已停止，/data 只读", actor="王工")
    clock["t"] = now - dt.timedelta(minutes=11)
    svc.step(incident.id, 2, "done", note="快照 lv_data_snap 已建", actor="王工")
    clock["t"] = now - dt.timedelta(minutes=7)
    svc.note(incident.id, "客户确认 11-20 14:02 有人误执行 DELETE；最近全备 11-16，binlog 完整", actor="王工")
    clock["t"] = now - dt.timedelta(minutes=4)
    svc.step(incident.id, 3, "done", goto=5, actor="王工")
    svc.clock = lambda: dt.datetime.now(dt.UTC)
    return incident.id


def shoot(language: str, width: int, height: int, out: Path) -> None:
    from PySide6.QtCore import QSettings

    from kbapp.facade import KnowledgeBase
    from kbapp.gui.app import apply_style, create_application
    from kbapp.gui.i18n import install_translators, remove_translators
    from kbapp.gui.main_window import MainWindow

    app = create_application([sys.argv[0]])
    apply_style(app)
    translators = install_translators(app, language)
    with tempfile.TemporaryDirectory() as tmp:
        kb = KnowledgeBase.open(home=Path(tmp) / "home")
        try:
            incident_id = seed(kb)
            settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
            settings.setValue("user/engineer", "王工")
            window = MainWindow(kb, language=language, settings=settings)
            window.resize(width, height)
            window.show()
            window.start()
            view = window.incidents.view
            wait(app, lambda: view.incident_id == incident_id and view.current_panel() is not None
                 and view.current_panel().model.state is not None and window.watch.last is not None)
            window.show_incidents()
            window.deadline_banner.dismiss()  # the banner is for the start; the shot is of the run view
            window.resize(width, height)
            end = time.monotonic() + 1.0
            while time.monotonic() < end:  # let the layout and the countdowns settle
                app.processEvents()
                time.sleep(0.02)
            window.grab().save(str(out))
            print(f"{out} ({window.width()}×{window.height()})")
            window.close()
        finally:
            kb.close()
    remove_translators(app, translators)


def main() -> int:
    for language, width, height, out in SHOTS:
        shoot(language, width, height, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
