/* The organisation list's filter form and htmx's history (the Back button).
 *
 * For Back, htmx keeps a snapshot of the page's HTML. HTML holds a form control's
 * initial value (its value, selected and checked attributes), not what was typed or
 * chosen since, and htmx takes the snapshot just before the next results replace the
 * current ones. So once the results of a search are shown, this writes the values that
 * search was made with into those attributes: Back then brings the form back together
 * with the results it belongs to. Without JavaScript none of this is needed: the form
 * is a plain GET form.
 */
(function () {
  "use strict";
  const FORM = "form[data-history-form]";
  let sent = null;

  function isToggle(control) {
    return control.type === "checkbox" || control.type === "radio";
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.matches(FORM)) {
      return;
    }
    sent = Array.from(form.elements).map(function (control) {
      return [control, isToggle(control) ? control.checked : control.value];
    });
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (sent === null) {
      return;
    }
    sent.forEach(function ([control, value]) {
      if (control instanceof HTMLSelectElement) {
        Array.from(control.options).forEach(function (option) {
          option.toggleAttribute("selected", option.value === value);
        });
      } else if (control instanceof HTMLInputElement && isToggle(control)) {
        control.toggleAttribute("checked", value);
      } else if (control instanceof HTMLInputElement) {
        control.setAttribute("value", value);
      }
    });
    sent = null;
  });
})();
