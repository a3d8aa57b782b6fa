/* The contact log dialog: htmx swaps a <dialog data-crm-dialog> into #dialog; this opens it
 * as a modal, puts the focus on the first field (or the first one with an error), closes it
 * on Escape or a close button, and gives the focus back to the button that opened it.
 * Also: the organisation search field works without the page's JavaScript being inline
 * (the CSP forbids that), and Enter in it searches instead of saving the form.
 */
(function () {
  "use strict";

  // The dialog partial loads this file too, so that any page with a #dialog container works;
  // where the page loaded it already, the second copy does nothing.
  if (window.crmDialogLoaded) {
    return;
  }
  window.crmDialogLoaded = true;

  var opener = null;
  var openerId = null;

  function focusable(dialog) {
    return (
      dialog.querySelector("[aria-invalid='true']") ||
      dialog.querySelector("[role='alert']") ||
      dialog.querySelector("[data-crm-autofocus]") ||
      dialog.querySelector("input:not([type='hidden']):not([type='checkbox']), select, textarea")
    );
  }

  function open(dialog) {
    if (!dialog.isConnected) {
      return;
    }
    if (!dialog.open) {
      dialog.showModal();
    }
    var first = focusable(dialog);
    if (first) {
      if (first.getAttribute("role") === "alert") {
        first.setAttribute("tabindex", "-1");
      }
      first.focus();
    }
  }

  function restoreFocus() {
    var element = (openerId && document.getElementById(openerId)) || opener;
    if (element && element.isConnected) {
      element.focus();
    }
  }

  function reveal(root) {
    if (!root || !root.querySelectorAll) {
      return;
    }
    root.querySelectorAll("[data-crm-search-field][hidden]").forEach(function (field) {
      field.hidden = false;
    });
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var target = event.detail.target;
    var element = event.detail.elt;
    if (target && target.id === "dialog" && element && !element.closest("dialog")) {
      opener = element;
      openerId = element.id || null;
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var container = event.detail.target;
    if (!container || container.id !== "dialog") {
      return;
    }
    var dialog = container.querySelector("dialog[data-crm-dialog]");
    if (dialog) {
      open(dialog);
    } else {
      restoreFocus();
    }
  });

  // A page region refreshed after saving may replace the opener; find it again by its id.
  document.addEventListener("htmx:afterSettle", function () {
    if (document.activeElement === document.body && !document.querySelector("dialog[open]")) {
      restoreFocus();
    }
  });

  // "close" does not bubble: listen in the capture phase. Escape closes a modal dialog natively.
  document.addEventListener(
    "close",
    function (event) {
      var dialog = event.target;
      if (dialog.matches && dialog.matches("dialog[data-crm-dialog]")) {
        dialog.remove();
        restoreFocus();
      }
    },
    true
  );

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-crm-dialog-close]");
    if (!button) {
      return;
    }
    var dialog = button.closest("dialog");
    if (dialog) {
      dialog.close();
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches && event.target.matches("[data-crm-search]")) {
      event.preventDefault();
      if (window.htmx) {
        window.htmx.trigger(event.target, "search");
      }
    }
  });

  function start() {
    reveal(document);
    // Loaded by the dialog partial itself: the swap happened before this script ran.
    var waiting = document.querySelector("#dialog dialog[data-crm-dialog]:not([open])");
    if (waiting) {
      opener = document.activeElement;
      openerId = (opener && opener.id) || null;
      open(waiting);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  document.addEventListener("htmx:load", function (event) {
    reveal(event.detail.elt);
  });
})();
