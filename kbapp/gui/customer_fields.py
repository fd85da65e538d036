"""The customer (客户单位) and system (业务系统) fields of the incident, record and inspection
dialogs: editable lists filled from the team's customers (kbapp.plan.customers) off the UI
thread; a name typed that is not in the list joins it when the dialog's work is saved."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QComboBox, QWidget


class CustomerFields(QObject):
    def __init__(self, kb, runner, parent: QWidget, customer: str = "", system: str = ""):
        super().__init__(parent)
        self.customer = QComboBox(parent)
        self.customer.setObjectName("customerField")
        self.customer.setEditable(True)
        self.customer.lineEdit().setPlaceholderText(self.tr("the customer's organisation"))
        self.customer.setCurrentText(customer)
        self.system = QComboBox(parent)
        self.system.setObjectName("systemField")
        self.system.setEditable(True)
        self.system.lineEdit().setPlaceholderText(self.tr("the business system concerned"))
        self.system.setCurrentText(system)
        self._systems: dict[str, tuple[str, ...]] = {}
        self.customer.currentTextChanged.connect(self._customer_changed)
        runner.query(lambda: [(c.name, c.systems) for c in kb.customers.list()], self.show_customers)

    def show_customers(self, customers: list[tuple[str, tuple[str, ...]]]) -> None:
        typed = self.customer.currentText()
        self._systems = dict(customers)
        self.customer.blockSignals(True)
        self.customer.clear()
        self.customer.addItem("")
        self.customer.addItems([name for name, _ in customers])
        self.customer.setCurrentText(typed)
        self.customer.blockSignals(False)
        self._customer_changed(typed)

    def _customer_changed(self, name: str) -> None:
        typed = self.system.currentText()
        self.system.clear()
        self.system.addItem("")
        self.system.addItems(list(self._systems.get(name.strip(), ())))
        self.system.setCurrentText(typed)

    def values(self) -> dict[str, str]:
        return {"customer": self.customer.currentText().strip(), "system": self.system.currentText().strip()}
