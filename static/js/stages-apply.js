/* The application form: show only the fieldset that fits the choice "one student" or
 * "a group". Without JavaScript both fieldsets stay visible and the form works the same.
 */
(function () {
  "use strict";

  function update(form) {
    var chosen = form.querySelector("input[name='applies_for']:checked");
    var value = chosen ? chosen.value : "student";
    form.querySelectorAll("[data-stages-applies]").forEach(function (fieldset) {
      fieldset.hidden = fieldset.getAttribute("data-stages-applies") !== value;
    });
  }

  function init() {
    document.querySelectorAll("input[name='applies_for']").forEach(function (radio) {
      var form = radio.form;
      if (!form || form.dataset.stagesApplyReady) {
        return;
      }
      form.dataset.stagesApplyReady = "1";
      form.addEventListener("change", function (event) {
        if (event.target.name === "applies_for") {
          update(form);
        }
      });
      update(form);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
