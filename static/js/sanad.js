// Sanad's few behaviours, kept out of the pages so the Content-Security-Policy allows no
// inline script: a button with data-sanad-print prints the page; the visit form's "Add
// another action point" adds a row from the formset's empty form; a button with
// data-sanad-check-all="<form id>" ticks (data-check="1") or unticks every box of that
// form (a session's register).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-sanad-print]")) {
    window.print();
  }
});

document.addEventListener("click", function (event) {
  if (!event.target.closest("#add-action-point")) return;
  var total = document.getElementById("id_ap-TOTAL_FORMS");
  var html = document.getElementById("action-point-empty").innerHTML.replace(/__prefix__/g, total.value);
  document.getElementById("action-points").insertAdjacentHTML("beforeend", html);
  total.value = parseInt(total.value, 10) + 1;
});

// A picker's result (partials/picker_results.html) fills the box it was searched from.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-pick-value]");
  if (!button) return;
  var list = button.closest("[data-picker-for]");
  var input = list && document.getElementById(list.getAttribute("data-picker-for"));
  if (!input) return;
  input.value = button.getAttribute("data-pick-value");
  list.innerHTML = "";
  input.focus();
});

// A register's "tick all / untick all" buttons (projects/session_detail.html).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-sanad-check-all]");
  if (!button) return;
  var form = document.getElementById(button.getAttribute("data-sanad-check-all"));
  if (!form) return;
  var on = button.getAttribute("data-check") === "1";
  form.querySelectorAll('input[type="checkbox"]').forEach(function (box) { box.checked = on; });
});
