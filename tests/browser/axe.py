"""axe-core, vendored (tests/browser/vendor/axe-core, from the npm registry), run in the page
the browser shows: the WCAG 2.0, 2.1 and 2.2 A and AA rules."""

from pathlib import Path

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not
# govern: the site's own policy (no inline scripts) stays on while axe looks at it. The run
# also returns the page's language, so that checking it costs no round trip of its own.
_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                          resultTypes: ["violations"]});
  return {lang: document.documentElement.lang, violations: result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " :: " + n.failureSummary
                                         .replace(/\\s+/g, " ").slice(0, 240))}))};
}"""


def axe_install(context) -> None:
    """Every document the browser context opens gets axe as it is created (also through the
    DevTools protocol, so outside the page's CSP): half a megabyte of script is sent to the
    browser once, not again with each of the two hundred pages checked."""
    context.add_init_script(AXE_SOURCE)


def axe_run(page) -> tuple[str, list[dict]]:
    """The page's lang attribute and its violations as it is now (axe_install first)."""
    result = page.evaluate(_RUN, WCAG_TAGS)
    return result["lang"], result["violations"]


def axe_violations(page) -> list[dict]:
    """The violations of the page as it is now, axe sent with the check: for a test that
    checks a few pages (axe_install is for many)."""
    page.evaluate(AXE_SOURCE)
    return axe_run(page)[1]


def describe(where: str, violations: list[dict]) -> list[str]:
    return [f"{where}: {v['id']} ({v['impact']}) {v['help']} -> " + " | ".join(v["nodes"])
            for v in violations]
