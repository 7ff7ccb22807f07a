/* Sanad: the passkey pages (two-step verification, the second-factor step).

   django-otp-webauthn's own script (static/django_otp_webauthn/, a module that runs after
   this file) calls a global gettext() for its messages: this one answers with Sanad's
   translations, which the page passes in #passkey-texts (json_script; the CSP allows no
   inline script). Once a passkey is added, the naming page opens. */
(function () {
  "use strict";
  var source = document.getElementById("passkey-texts");
  var texts = source ? JSON.parse(source.textContent) : {};
  if (typeof window.gettext !== "function") {
    window.gettext = function (message) {
      return Object.prototype.hasOwnProperty.call(texts, message) ? texts[message] : message;
    };
  }
  document.addEventListener("otp_webauthn.register_complete", function (event) {
    var box = document.getElementById("passkey-register");
    var id = event.detail && event.detail.id;
    if (box && box.dataset.nameUrl && id) {
      window.location.assign(box.dataset.nameUrl.replace(/\/0\/$/, "/" + encodeURIComponent(id) + "/"));
    }
  });
})();
