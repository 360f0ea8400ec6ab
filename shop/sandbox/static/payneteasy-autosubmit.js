// PaynetEasy sandbox final redirect: post the result form to the merchant at once.
// An external file, not inline script, so that a strict Content-Security-Policy allows it.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form.final-redirect") || document.forms[0];
  if (form) {
    form.submit();
  }
});
