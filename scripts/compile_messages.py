"""Compile locale/*/LC_MESSAGES/*.po to .mo with polib (pure Python: no GNU gettext needed).

The .mo files are committed next to their .po (like the web-font subset), so
installing and running the site needs no build step; `make messages` runs
makemessages and then this script, and a test checks the two stay in step.
"""

from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "locale"


def main() -> None:
    for po_path in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        po = polib.pofile(str(po_path))
        po.save_as_mofile(str(po_path.with_suffix(".mo")))
        print(f"{po_path.relative_to(LOCALE.parent)}: {len(po.translated_entries())} translated, "
              f"{len(po.untranslated_entries())} untranslated, {len(po.fuzzy_entries())} fuzzy")


if __name__ == "__main__":
    main()
