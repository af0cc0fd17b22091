"""The practice observation panel of a candidate's page, drawn from the observation selectors, so the page's own
view needs no change for it."""

from django import template

from ..models import Candidate, Observation
from ..selectors import observation as obs_selectors

register = template.Library()


@register.inclusion_tag("accreditation/observation/_candidate_panel.html", takes_context=True)
def observation_panel(context, c: Candidate):
    request = context.get("request")
    user = getattr(request, "user", None)
    past_knowledge = c.stage not in (Candidate.Stage.ENDORSEMENT, Candidate.Stage.KNOWLEDGE)
    if not past_knowledge:
        return {"show": False}
    data = obs_selectors.candidate_observation(c)
    latest = data["latest"]
    return {
        "show": True,
        "c": c,
        **data,
        "scoring": latest is not None and latest.status != Observation.Status.DECIDED,
        "can_book": bool(user and user.has_perm("accreditation.book_observation", c)),
        # Second marking and moderation are shown to those who moderate; others see only that it is being checked.
        "sees_marking": bool(user and user.has_perm("accreditation.moderate")),
    }
