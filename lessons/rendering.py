"""Markdown from the curriculum files to sanitised HTML, done once at load time."""

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "code", "pre", "blockquote",
    "table", "thead", "tbody", "tr", "th", "td", "div", "br", "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
# Python-Markdown admonitions: <div class="admonition tip"><p class="admonition-title">…</p>…</div>
ALLOWED_CLASSES = {
    "div": {"admonition", "tip", "note", "warning", "danger", "important", "hint", "caution"},
    "p": {"admonition-title"},
}


def markdown_to_html(text: str) -> str:
    """Render trusted-format but untrusted-content Markdown to an allow-listed HTML fragment."""
    html = markdown.markdown(text, extensions=["admonition", "tables", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
