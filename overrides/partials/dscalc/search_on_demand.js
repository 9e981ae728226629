// Material fetches its search index (300-370 KB compressed) as soon as a page loads, whether or
// not the reader will search, and its download then competes with the page's first paint. This
// holds back that one request until the reader comes for search: a focus in the search field
// (Material's "/", "s" and "f" keys focus it too) or a pointer or touch on it. Every other
// request is untouched. Inlined in <head>, before Material's bundle (overrides/main.html).
(() => {
  "use strict";
  const INDEX = /\/search\/search_index\.json$/;
  const open = XMLHttpRequest.prototype.open;
  const send = XMLHttpRequest.prototype.send;
  const held = [];
  let wanted = false;
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    this.dscalcHeld = INDEX.test(new URL(String(url), location.href).pathname);
    return open.call(this, method, url, ...rest);
  };
  XMLHttpRequest.prototype.send = function (...args) {
    if (this.dscalcHeld && !wanted) {
      held.push([this, args]);
      return undefined;
    }
    return send.apply(this, args);
  };
  const release = (event) => {
    if (wanted || !(event.target instanceof Element) || !event.target.closest(".md-search, label[for='__search']")) return;
    wanted = true;
    document.documentElement.dataset.dscalcSearch = "loading";
    for (const [request, args] of held.splice(0)) send.apply(request, args);
  };
  for (const type of ["focusin", "pointerover", "pointerdown", "touchstart"]) {
    document.addEventListener(type, release, { capture: true, passive: true });
  }
})();
