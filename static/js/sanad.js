// Sanad's few behaviours, kept out of the pages so the Content-Security-Policy allows no
// inline script: a button with data-sanad-print prints the page; the visit form's "Add
// another action point" adds a row from the formset's empty form.
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
