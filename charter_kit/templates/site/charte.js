/* charter-kit: a "Copier la référence" button beside each clause's permalink, and a name for the
   version selector that contains its visible text. A file, never an inline script, so the site
   can be served with a Content-Security-Policy that forbids inline scripts. */
(function () {
  "use strict";

  var status = null;

  /* One polite live region tells screen readers that the reference was copied. */
  function announce(text) {
    if (!status) {
      status = document.createElement("div");
      status.className = "ck-status";
      status.setAttribute("role", "status");
      document.body.appendChild(status);
    }
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    /* A plain http:// host: the older way, through a selected text area. */
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var done = false;
      try { done = document.execCommand("copy"); } catch (e) { done = false; }
      document.body.removeChild(area);
      if (done) { resolve(); } else { reject(new Error("copy refused")); }
    });
  }

  function addCiteButtons() {
    var meta = document.querySelector('meta[name="ck-citation"]');
    if (!meta) { return; }
    var headings = document.querySelectorAll(".md-content h2[data-ck-ref]");
    Array.prototype.forEach.call(headings, function (heading) {
      var next = heading.nextElementSibling;
      if (next && next.classList.contains("ck-cite")) { return; }
      var number = heading.getAttribute("data-ck-ref");
      var permalink = heading.querySelector("a.headerlink");
      var address = new URL(permalink ? permalink.getAttribute("href") : "#" + heading.id, window.location.href).href;
      var reference = meta.getAttribute("content") + ", art.\u00a0" + number;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "ck-cite";
      button.textContent = "Copier la référence";
      button.setAttribute("aria-label", "Copier la référence de l’article\u00a0" + number);
      button.setAttribute("data-ck-citation", reference + " (" + address + ")");
      button.addEventListener("click", function () {
        copyText(button.getAttribute("data-ck-citation")).then(function () {
          button.setAttribute("data-copied", "");
          button.textContent = "Référence copiée";
          announce("Référence copiée : " + reference);
          window.setTimeout(function () {
            button.removeAttribute("data-copied");
            button.textContent = "Copier la référence";
          }, 2500);
        }, function () {
          announce("La copie a échoué : sélectionnez le lien ¶ pour le copier.");
        });
      });
      /* After the heading, not inside it: the heading's name stays the clause's number and title. */
      heading.insertAdjacentElement("afterend", button);
    });
  }

  /* Material names its version button "Sélectionner la version", hiding the version it shows
     (WCAG 2.5.3): the name starts with the visible text instead. */
  function nameVersionButton() {
    var button = document.querySelector(".md-version__current");
    if (!button) { return false; }
    var visible = button.textContent.trim();
    var wanted = visible + ", choisir une autre version";
    if (button.getAttribute("aria-label") !== wanted) { button.setAttribute("aria-label", wanted); }
    return true;
  }

  function watchVersionButton() {
    nameVersionButton();
    var observer = new MutationObserver(function () { nameVersionButton(); });
    var header = document.querySelector(".md-header") || document.body;
    observer.observe(header, { childList: true, subtree: true, characterData: true });
  }

  function start() {
    addCiteButtons();
    watchVersionButton();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
