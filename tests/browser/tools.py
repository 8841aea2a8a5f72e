"""What every browser test checks and keeps: serious accessibility violations, screenshots."""
from axe_playwright_python.sync_playwright import Axe


def serious_violations(page) -> list[str]:
    """axe-core violations of serious or critical impact on the current page."""
    results = Axe().run(page)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}×)"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def snapshot(page, name: str) -> None:
    """Keep a full-page screenshot when KB_SCREENSHOTS names a folder."""
    import os
    folder = os.environ.get("KB_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def account_menu(page):
    """Open the header's account menu (moderation, curation, one's own pages, logging out)."""
    page.locator(".account-menu summary").click()
    return page.locator(".account-menu")
