// The search page, better with JavaScript: a ticked filter or a chosen sort order shows
// its results at once (without JavaScript the "Toepassen" buttons do the same). The whole
// state stays in the address, so back and forward work as for any page.
(function () {
  "use strict";
  var form = document.querySelector("form.search-layout");
  if (!form) {
    return;
  }
  form.classList.add("live");

  function show(changed) {
    var params = new URLSearchParams(new FormData(form));
    params.delete("page");
    Array.from(params.keys()).forEach(function (key) {
      if (params.get(key) === "" && params.getAll(key).length === 1) {
        params.delete(key);
      }
    });
    // Keyboard users carry on where they were: the same box has the focus again.
    if (changed.name) {
      sessionStorage.setItem("kb-focus", changed.name + "=" + changed.value);
    }
    var panelOpen = changed.closest("#filters") && window.location.hash === "#filters";
    window.location.assign(form.action + "?" + params.toString() + (panelOpen ? "#filters" : ""));
  }

  form.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("input[type=checkbox], select")) {
      show(target);
    }
  });

  var focus = sessionStorage.getItem("kb-focus");
  if (focus) {
    sessionStorage.removeItem("kb-focus");
    var split = focus.indexOf("=");
    var name = focus.slice(0, split);
    var value = focus.slice(split + 1);
    var again = Array.from(form.elements).find(function (element) {
      return element.name === name && (element.type !== "checkbox" || element.value === value);
    });
    if (again) {
      again.focus();
    }
  }
}());
