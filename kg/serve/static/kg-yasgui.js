// YASGUI on this endpoint: the project's prefixes, one tab per named query, nothing from the web.
(function () {
  var cfg = JSON.parse(document.getElementById("kg-config").textContent);
  // Offline: no prefix.cc (prefix autocompletion) and no LOV (class / property autocompletion).
  Yasgui.Yasqe.defaults.autocompleters = ["variables"];
  Yasgui.Yasr.defaults.prefixes = cfg.prefixes;
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    persistenceId: null, // the tabs below each time, not the last visit's
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: cfg.endpoint }]; }, keys: [] },
    requestConfig: { endpoint: cfg.endpoint, method: "POST" },
    yasqe: { value: cfg.start },
  });
  cfg.tabs.forEach(function (tab) {
    yasgui.addTab(false, { name: tab.name, yasqe: { value: tab.query }, requestConfig: { endpoint: cfg.endpoint } });
  });
  window.yasgui = yasgui;
})();
