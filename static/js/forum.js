// Small improvements for the comment form. Everything works without this file.
(function () {
  "use strict";

  var form = document.querySelector("form.comment-form");
  if (!form) { return; }
  var respond = document.getElementById("respond");
  var body = form.querySelector("textarea[name=body]");
  var parentInput = form.querySelector("input[name=parent_id]");
  var heading = document.getElementById("respond-title");
  var originalHeading = heading ? heading.textContent : "";
  var home = respond ? respond.parentNode : null;
  var homeNext = respond ? respond.nextSibling : null;

  // Reply under the comment itself, instead of reloading the page with ?replytocom=.
  function cancelReply(event) {
    if (event) { event.preventDefault(); }
    parentInput.value = "";
    heading.textContent = originalHeading;
    var cancel = document.getElementById("cancel-reply-js");
    if (cancel) { cancel.remove(); }
    home.insertBefore(respond, homeNext);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.reply-link") : null;
    if (!link || !respond || !parentInput || !heading) { return; }
    var comment = link.closest("article.comment");
    var match = comment && comment.id.match(/^comment-(\d+)$/);
    if (!match) { return; }
    event.preventDefault();
    parentInput.value = match[1];
    var author = comment.querySelector(".comment-author");
    heading.textContent = "Reply to " + (author ? author.textContent.trim() : "this comment");
    if (!document.getElementById("cancel-reply-js")) {
      var cancel = document.createElement("button");
      cancel.type = "button";
      cancel.id = "cancel-reply-js";
      cancel.className = "secondary";
      cancel.textContent = "Cancel reply";
      cancel.addEventListener("click", cancelReply);
      heading.insertAdjacentElement("afterend", cancel);
    }
    comment.insertAdjacentElement("afterend", respond);
    body.focus();
  });

  // A live count of characters, announced politely to screen readers.
  if (body) {
    var limit = parseInt(body.getAttribute("maxlength"), 10) || 5000;
    var counter = document.createElement("p");
    counter.className = "char-count";
    counter.id = "body-count";
    counter.setAttribute("aria-live", "polite");
    body.insertAdjacentElement("afterend", counter);
    var timer = null;
    var update = function () {
      var used = body.value.length;
      counter.textContent = used.toLocaleString() + " of " + limit.toLocaleString() + " characters";
      counter.classList.toggle("near-limit", used > limit * 0.9);
    };
    body.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(update, 250);
    });
    update();
  }

  // The page is the same for every reader (and may come from a cache), so it cannot say
  // when this reader started on the form: ask the forum once, at the first touch of the
  // form. The signed answer lets the forum tell a bot that posts at once from a person.
  var started = form.querySelector("input[name=form_started]");
  var startUrl = form.getAttribute("data-form-start");
  if (started && startUrl && !started.value && window.fetch) {
    var askStart = function () {
      form.removeEventListener("focusin", askStart);
      form.removeEventListener("pointerdown", askStart);
      fetch(startUrl, { credentials: "same-origin", cache: "no-store" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (answer) {
          if (answer && answer.form_started && !started.value) { started.value = answer.form_started; }
        })
        .catch(function () { /* without it the form still works: see README, "The time trap" */ });
    };
    form.addEventListener("focusin", askStart);
    form.addEventListener("pointerdown", askStart);
  }

  // Ask before leaving a half-written comment. Text that came back in the form (a
  // preview, a mistake to correct) is not posted either, so it counts too.
  var submitting = false;
  form.addEventListener("submit", function () { submitting = true; });
  window.addEventListener("beforeunload", function (event) {
    if (!submitting && body && body.value.trim() !== "") {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
