"""Reading what a right-to-left page shows, in the order a person sees it."""

# The characters of the first occurrence of `text` under `root`, sorted by where the browser
# drew them: top to bottom, then left to right. A bidi bug shows as a different string, e.g.
# "16.0-" for "-16.0" or "/http://..." for "http://.../".
_VISUAL = """(root, text) => {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const at = node.data.indexOf(text);
    if (at === -1) { continue; }
    const boxes = [];
    for (let i = at; i < at + text.length; i++) {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const box = range.getBoundingClientRect();
      boxes.push({ch: node.data[i], top: Math.round(box.top), left: box.left});
    }
    boxes.sort((a, b) => (a.top - b.top) || (a.left - b.left));
    return boxes.map((b) => b.ch).join("");
  }
  return null;
}"""


def visual_text(locator, text: str) -> str | None:
    """`text` as drawn inside `locator`, left to right (None when it is not there)."""
    return locator.evaluate(_VISUAL, text)
