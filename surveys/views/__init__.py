"""The surveys app's pages, one module per page family (routes in `surveys/urls.py`).

- `respond`: the personal link `/s/<token>/` (page flow in `surveys.services.respond`)
- `open_link`: the anonymous open link `/s/open/<slug>/`
- `optout`: `/s/<token>/unsubscribe/`
- `preview`: the staff preview `/surveys/<pk>/preview/`
- `translations`: the staff translation pages `/surveys/<pk>/translations/...`
- `public` (headers, renderer, per-IP limiter) and `cookies` (the respondent's signed
  cookies) are shared by the public pages.
"""
