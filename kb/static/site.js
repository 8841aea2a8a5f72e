// Every page, better with JavaScript: on a phone the menu button opens and closes the menu
// in place (without JavaScript it is a link to the menu, shown as its target); the account
// menu closes on Escape or a click elsewhere.
(function () {
  "use strict";
  var button = document.querySelector(".menu-button");
  var menu = document.getElementById("site-menu");
  if (button && menu) {
    var toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = button.className;
    toggle.textContent = button.textContent;
    toggle.setAttribute("aria-controls", "site-menu");
    toggle.setAttribute("aria-expanded", "false");
    button.replaceWith(toggle);
    toggle.addEventListener("click", function () {
      var open = menu.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  var account = document.querySelector(".account-menu");
  if (!account) {
    return;
  }
  document.addEventListener("click", function (event) {
    if (account.open && !account.contains(event.target)) {
      account.open = false;
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && account.open) {
      account.open = false;
      account.querySelector("summary").focus();
    }
  });
}());
