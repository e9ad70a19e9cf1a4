/* charter-kit: what Material for MkDocs defines in an inline script at the top of each page
   (partials/javascripts/base.html; Zensical's likewise), as a file, so that the site's Content-Security-Policy can
   forbid every inline script. The page's address scope comes from the script tag's data-md-scope. */
(function () {
  "use strict";
  var tag = document.currentScript;
  var scope = new URL(tag ? tag.getAttribute("data-md-scope") : ".", location);
  /* Zensical's version of the same script: the scope always ends with "/", the platform is noted. */
  window.__md_scope = scope.pathname.endsWith("/") ? scope : new URL(scope.pathname + "/", location);
  document.documentElement.setAttribute("data-platform", navigator.platform);
  window.__md_hash = function (e) {
    return Array.prototype.reduce.call(e, function (h, c) { return (h << 5) - h + c.charCodeAt(0); }, 0);
  };
  window.__md_get = function (key, storage, scope) {
    storage = storage || localStorage;
    scope = scope || window.__md_scope;
    return JSON.parse(storage.getItem(scope.pathname + "." + key));
  };
  window.__md_set = function (key, value, storage, scope) {
    storage = storage || localStorage;
    scope = scope || window.__md_scope;
    try { storage.setItem(scope.pathname + "." + key, JSON.stringify(value)); } catch (e) { /* full or private */ }
  };
})();
