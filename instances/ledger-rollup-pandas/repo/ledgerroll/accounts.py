"""Chart of accounts: account codes, types and the parent/child hierarchy."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Iterable, Iterator, Mapping

import pandas as pd


class AccountType(enum.Enum):
    """The five classic account types."""

    ASSET = "asset"
    LIABILITY = "liability"
    EQUITY = "equity"
    REVENUE = "revenue"
    EXPENSE = "expense"

    @property
    def normal_sign(self) -> int:
        """+1 for debit-normal accounts (assets, expenses), -1 for credit-normal ones."""
        return 1 if self in (AccountType.ASSET, AccountType.EXPENSE) else -1

    @property
    def is_balance_sheet(self) -> bool:
        """Whether the account appears on the balance sheet (vs. the income statement)."""
        return self in (AccountType.ASSET, AccountType.LIABILITY, AccountType.EQUITY)


@dataclass(frozen=True)
class Account:
    """One account of the chart."""

    code: str
    name: str
    type: AccountType
    parent: str | None = None


class ChartError(ValueError):
    """The chart of accounts is inconsistent."""


class ChartOfAccounts:
    """A validated tree (forest) of accounts keyed by code.

    Accounts may have a parent; a child must have the same type as its parent.
    Postings may go to any account, and roll-ups add every account's activity
    to all of its ancestors.
    """

    def __init__(self, accounts: Iterable[Account]):
        self._accounts: dict[str, Account] = {}
        for acct in accounts:
            if acct.code in self._accounts:
                raise ChartError(f"duplicate account code {acct.code!r}")
            self._accounts[acct.code] = acct
        self._children: dict[str | None, list[str]] = {}
        for acct in self._accounts.values():
            if acct.parent is not None:
                parent = self._accounts.get(acct.parent)
                if parent is None:
                    raise ChartError(f"{acct.code}: unknown parent {acct.parent!r}")
                if parent.type is not acct.type:
                    raise ChartError(
                        f"{acct.code} is {acct.type.value} but its parent "
                        f"{parent.code} is {parent.type.value}"
                    )
            self._children.setdefault(acct.parent, []).append(acct.code)
        for kids in self._children.values():
            kids.sort()
        for code in self._accounts:
            self.ancestors(code)  # raises on cycles

    # ------------------------------------------------------------ construction
    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, object]]) -> "ChartOfAccounts":
        """Build a chart from mappings with keys ``code``, ``name``, ``type`` and
        optionally ``parent`` (empty or missing for top-level accounts)."""
        accounts = []
        for rec in records:
            parent = rec.get("parent") or None
            accounts.append(
                Account(
                    code=str(rec["code"]),
                    name=str(rec["name"]),
                    type=AccountType(str(rec["type"]).lower()),
                    parent=str(parent) if parent is not None else None,
                )
            )
        return cls(accounts)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> "ChartOfAccounts":
        """Build a chart from a DataFrame with the columns of :meth:`from_records`."""
        frame = frame.astype(object).where(frame.notna(), None)
        return cls.from_records(frame.to_dict("records"))

    # ------------------------------------------------------------ lookups
    def __contains__(self, code: object) -> bool:
        return code in self._accounts

    def __getitem__(self, code: str) -> Account:
        try:
            return self._accounts[code]
        except KeyError:
            raise KeyError(f"unknown account {code!r}") from None

    def __iter__(self) -> Iterator[Account]:
        return iter(sorted(self._accounts.values(), key=lambda a: a.code))

    def __len__(self) -> int:
        return len(self._accounts)

    def codes(self) -> list[str]:
        """All account codes, sorted."""
        return sorted(self._accounts)

    def roots(self) -> list[str]:
        """Codes of the top-level accounts."""
        return list(self._children.get(None, []))

    def children(self, code: str) -> list[str]:
        """Direct children of ``code``, sorted."""
        self[code]
        return list(self._children.get(code, []))

    def descendants(self, code: str) -> list[str]:
        """``code`` and every account below it, depth first."""
        out = [code]
        for child in self.children(code):
            out.extend(self.descendants(child))
        return out

    def is_leaf(self, code: str) -> bool:
        return not self._children.get(code)

    def ancestors(self, code: str) -> list[str]:
        """``code`` followed by its parent, grandparent, ... up to the root."""
        chain = [code]
        acct = self[code]
        while acct.parent is not None:
            if acct.parent in chain:
                raise ChartError(f"cycle in chart of accounts at {acct.parent!r}")
            chain.append(acct.parent)
            acct = self._accounts[acct.parent]
        return chain

    def level(self, code: str) -> int:
        """Depth of the account in the tree: 0 for top-level accounts."""
        return len(self.ancestors(code)) - 1

    def type_of(self, code: str) -> AccountType:
        return self[code].type

    def normal_sign(self, code: str) -> int:
        """+1 if ``code`` is debit-normal, -1 if it is credit-normal."""
        return self[code].type.normal_sign

    def to_frame(self) -> pd.DataFrame:
        """The chart as a DataFrame with one row per account, sorted by code."""
        rows = [
            {
                "code": a.code,
                "name": a.name,
                "type": a.type.value,
                "parent": a.parent,
                "level": self.level(a.code),
            }
            for a in self
        ]
        return pd.DataFrame(rows, columns=["code", "name", "type", "parent", "level"])
