"""What every browser test checks and keeps: serious accessibility violations, screenshots;
and the second step of logging in."""
import pyotp
from axe_playwright_python.sync_playwright import Axe

# The unused recovery codes of each account that enrolled a second factor in this run.
RECOVERY_CODES: dict[str, list[str]] = {}


def serious_violations(page, impacts=("serious", "critical")) -> list[str]:
    """axe-core violations of serious or critical impact (or those given) on the page."""
    results = Axe().run(page)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}×)"
            for v in results.response["violations"] if v["impact"] in impacts]


def snapshot(page, name: str) -> None:
    """Keep a full-page screenshot when KB_SCREENSHOTS names a folder."""
    import os
    folder = os.environ.get("KB_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def follow(locator) -> None:
    """Click a link or button that loads another page and wait until that page has loaded:
    a bare click returns before the navigation, so the next check could still read the page
    it left, and a goto could cancel a form's POST before the server saw it."""
    with locator.page.expect_navigation():
        locator.click()


def account_menu(page):
    """Open the header's account menu (moderation, curation, one's own pages, logging out)."""
    page.locator(".account-menu summary").click()
    return page.locator(".account-menu")


def second_step(page, email: str) -> None:
    """After the password: enrol a second factor when the page asks (a moderator or admin:
    a code computed by pyotp from the secret the page shows; the recovery codes are kept),
    or log in with one of the kept recovery codes when it asks for a code (a TOTP code
    could be refused as used when the same account logged in less than 30 s before)."""
    if "/account/tweestaps" in page.url:
        secret = "".join(page.locator("code.secret").inner_text().split())
        page.get_by_label("Code uit de app").fill(pyotp.TOTP(secret).now())
        follow(page.get_by_role("button", name="Tweestapsverificatie aanzetten"))
        RECOVERY_CODES[email] = page.locator(".recovery-codes code").all_inner_texts()
        follow(page.get_by_role("link", name="Ik heb ze bewaard, verder"))
    elif "/inloggen/code" in page.url:
        page.get_by_label("Code", exact=True).fill(RECOVERY_CODES[email].pop())
        follow(page.get_by_role("button", name="Inloggen"))
    page.wait_for_load_state()
