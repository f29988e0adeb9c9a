from django import template

register = template.Library()


@register.inclusion_tag("schools/rosters/classroom_actions.html", takes_context=True)
def rosters_classroom_actions(context):
    """Roster, consent and login-slip actions for a class page (its viewer already manages the class)."""
    return {"classroom": context["classroom"]}
