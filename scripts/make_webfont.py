"""Regenerate the Be Vietnam Pro WOFF2 subsets in static/fonts/ (run once; output is committed).

Subset: Basic Latin, Latin-1, Latin Extended-A/B, Vietnamese (Latin Extended
Additional), combining marks, common punctuation and the answer shapes.
    .venv/bin/pip install fonttools brotli && .venv/bin/python scripts/make_webfont.py
"""

from pathlib import Path

import fontpkg
from fontTools import subset

OUT = Path(__file__).resolve().parent.parent / "static" / "fonts"
UNICODES = "U+0020-007E,U+00A0-00FF,U+0100-017F,U+01A0-01B0,U+0300-0323,U+1EA0-1EF9,U+2000-206F,U+20AB,U+25A0-25CF"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for weight in (400, 700):
        source = fontpkg.path("Be Vietnam Pro", weight)
        target = OUT / f"be-vietnam-pro-{weight}.woff2"
        subset.main([str(source), f"--unicodes={UNICODES}", "--flavor=woff2", "--layout-features=*", f"--output-file={target}"])
        print(target, target.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
