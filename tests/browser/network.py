"""What a page asks the network for: failed requests, console errors, and a closed network."""

from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class PageTraffic:
    """Every response of 400 or more, every request that failed and every console error of
    the pages of one browser context, and the requests refused for leaving the machine."""

    origin: str
    failed: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)

    def watch(self, page) -> None:
        page.on(
            "response",
            lambda r: r.status >= 400 and self.failed.append(f"{r.status} {r.url}"),
        )
        page.on(
            "requestfailed",
            lambda r: self.failed.append(f"failed {r.url} ({r.failure})"),
        )
        page.on(
            "console",
            lambda m: m.type == "error" and self.console_errors.append(m.text),
        )
        page.on("pageerror", lambda e: self.console_errors.append(f"pageerror: {e}"))

    @property
    def problems(self) -> list[str]:
        return [*self.failed, *self.console_errors, *(f"blocked {u}" for u in self.blocked)]


def close_the_network(context, origin: str, traffic: PageTraffic) -> None:
    """Abort every request that is not for the live server, as on a machine without
    internet: a page that needs a CDN then shows it."""
    own = urlsplit(origin).netloc

    def route(route) -> None:
        url = route.request.url
        if urlsplit(url).netloc == own or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            traffic.blocked.append(url)
            route.abort("internetdisconnected")

    context.route("**/*", route)


def watched_page(context, origin: str, *, offline: bool = True) -> tuple:
    """A new page of `context` whose traffic is recorded (and kept on the machine)."""
    traffic = PageTraffic(origin=origin)
    if offline:
        close_the_network(context, origin, traffic)
    page = context.new_page()
    traffic.watch(page)
    return page, traffic
