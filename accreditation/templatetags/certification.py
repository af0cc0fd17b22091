"""What the pathway's own pages include from the decision and certificate stage, without their views changing."""

from django import template

from ..selectors import certification as selectors

register = template.Library()


@register.simple_tag
def my_accreditations(user):
    """The signed-in person's accreditations, with their certificates and credentials (one query)."""
    return selectors.accreditations_for(user)


@register.simple_tag
def accreditation_of(candidate):
    """The candidate's accreditation, if confirmed (one query), else None."""
    from ..models import Accreditation

    return Accreditation.objects.filter(candidate_id=candidate.pk).first()


@register.filter
def level_labels(levels) -> str:
    """Pathway levels as people read them ("Practice Supervisor"), in the pathway's order, not their stored keys."""
    from ..models import LEVEL_ORDER, Level

    chosen = set(levels or [])
    return ", ".join(Level(value).label for value in LEVEL_ORDER if value in chosen)
