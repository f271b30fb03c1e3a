"""Which fields a query asks of a resolver's result (to spare the engine unasked work)."""

from __future__ import annotations

from collections.abc import Iterable

from strawberry.types.nodes import FragmentSpread, InlineFragment, Selection

from api.context import Info


def _asks(selections: Iterable[Selection], name: str) -> bool:
    for selection in selections:
        if isinstance(selection, FragmentSpread | InlineFragment):
            if _asks(selection.selections, name):
                return True
        elif selection.name == name:
            return True
    return False


def asks_for(info: Info, name: str) -> bool:
    """True when the resolved field's own selection includes `name` (fragments included)."""
    return any(_asks(field.selections, name) for field in info.selected_fields)
