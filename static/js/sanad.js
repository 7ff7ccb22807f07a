// Sanad's few behaviours, kept out of the pages so the Content-Security-Policy allows no
// inline script: a button with data-sanad-print prints the page.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-sanad-print]")) {
    window.print();
  }
});
