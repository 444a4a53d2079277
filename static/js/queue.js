// Keyboard shortcuts for the moderation queue: j/k move, a approve, r reject, s spam, ? help.
// Every action is still a plain form with its button; the keys only press those buttons.
(function () {
  "use strict";
  var items = Array.prototype.slice.call(document.querySelectorAll("ol.queue article.queue-item"));
  if (!items.length) { return; }
  var current = -1;
  var help = document.getElementById("shortcut-help");

  function select(index) {
    if (index < 0 || index >= items.length) { return; }
    if (current >= 0) { items[current].classList.remove("selected"); }
    current = index;
    var item = items[current];
    item.classList.add("selected");
    item.setAttribute("tabindex", "-1");
    item.focus();
    item.scrollIntoView({ block: "nearest" });
  }

  function press(selector) {
    if (current < 0) { return; }
    var button = items[current].querySelector(selector);
    if (button) { button.click(); }
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    var tag = target && target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) { return; }
    switch (event.key) {
      case "j": select(current + 1); break;
      case "k": select(current < 0 ? 0 : current - 1); break;
      case "a": press("button.action-approve"); break;
      case "r": press("button.action-reject"); break;
      case "s": press("button.action-spam"); break;
      case "?": if (help) { help.open = !help.open; } break;
      default: return;
    }
    event.preventDefault();
  });
})();
