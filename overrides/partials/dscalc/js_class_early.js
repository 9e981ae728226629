// Material's bundle swaps <html class="no-js"> for "js", and its focus-visible polyfill marks the
// root too, once the page is parsed; every element is then restyled (CSS has ".no-js …" and
// ".js …" rules): 0.1-0.3 s of a slow phone's main thread on a long page. Done here, before the
// body exists, it costs nothing, and the bundle's own changes find nothing to do. A browser
// without JavaScript keeps "no-js".
document.documentElement.classList.replace("no-js", "js");
document.documentElement.classList.add("js-focus-visible");
document.documentElement.setAttribute("data-js-focus-visible", "");
