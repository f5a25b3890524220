"""models/defaults.py: the defaults of list and mapping fields are new, empty and never shared."""

from __future__ import annotations

from strategy_builder.models.defaults import empty_dict, empty_list
from strategy_builder.models.inputs import Action


def test_each_default_is_a_new_empty_container() -> None:
    first, second = empty_list(), empty_list()
    assert first == [] and second == [] and first is not second
    assert empty_dict() == {} and empty_dict() is not empty_dict()


def test_two_models_never_share_a_default_list() -> None:
    one, other = Action.model_validate({"text": "Train border guards."}), Action(text="Open a centre.")
    assert one.lead == [] and one.lead is not other.lead and one.stakeholders is not one.lead
    one.lead.append("AM")
    assert other.lead == [] and Action(text="Open a centre.").lead == []
