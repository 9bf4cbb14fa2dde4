// The survey page's questions inline (surveys/admin/questions.py): a question dropped among
// another page's questions joins that page. Its page is kept when it fits between the pages
// of the rows above and below; otherwise it takes the nearest of the two. The server orders
// by page, then as dragged, so what is shown after the drop is what is saved.
(function () {
  "use strict";

  function pageInput(row) {
    return row ? row.querySelector("td.field-page input") : null;
  }

  function neighbour(row, step) {
    let other = step < 0 ? row.previousElementSibling : row.nextElementSibling;
    while (other && !other.classList.contains("has_original")) {
      other = step < 0 ? other.previousElementSibling : other.nextElementSibling;
    }
    return other;
  }

  function fitPage(row) {
    const input = pageInput(row);
    if (!input) return;
    const above = pageInput(neighbour(row, -1));
    const below = pageInput(neighbour(row, 1));
    let page = parseInt(input.value, 10) || 1;
    const low = above ? parseInt(above.value, 10) || 1 : -Infinity;
    const high = below ? parseInt(below.value, 10) || 1 : Infinity;
    if (page < low) page = low;
    if (page > high) page = high;
    if (String(page) !== input.value) {
      input.value = String(page);
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  function inQuestions(element) {
    return element instanceof Element && element.closest("#questions-group");
  }

  // SortableJS dispatches "end" on the list after a drop; sortable2's first/last arrows
  // move the row on click.
  document.addEventListener("end", function (event) {
    if (inQuestions(event.item)) fitPage(event.item);
  });
  document.addEventListener("click", function (event) {
    const target = event.target;
    if (!(target instanceof Element) || !target.matches(".sort i.move-begin, .sort i.move-end")) {
      return;
    }
    const row = target.closest("tr.has_original");
    if (inQuestions(row)) fitPage(row);
  });
})();
