/* The public stage listing's filter form (templates/internships/public_list.html): htmx sends
 * it on every change and pushes the URL; this leaves the empty fields out of that URL, so a
 * shared link reads ?level=mbo3&municipality=Emmen instead of listing every field.
 * Without JavaScript the form is an ordinary GET form and works the same.
 */
(function () {
  "use strict";

  document.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt;
    if (!form || !form.matches || !form.matches("[data-stage-filters]")) {
      return;
    }
    var formData = event.detail.formData;
    var empty = [];
    formData.forEach(function (value, name) {
      if (value === "") {
        empty.push(name);
      }
    });
    empty.forEach(function (name) {
      formData.delete(name);
    });
  });
})();
