// Informations fiscales : le quotient familial calculé (revenu ÷ 12 ÷ nombre de parts) suit la
// saisie. Sans JavaScript, il se lit sous le formulaire avec les valeurs actuelles.
(function () {
  "use strict";
  var revenu = document.getElementById("id_revenu_fiscal");
  var parts = document.getElementById("id_nombre_parts");
  var sortie = document.querySelector('[data-calcul="quotient"]');
  if (!revenu || !parts || !sortie) {
    return;
  }

  function nombre(texte) {
    var propre = texte.replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
    return propre === "" ? NaN : Number(propre);
  }

  function recalculer() {
    var r = nombre(revenu.value);
    var p = nombre(parts.value);
    if (isFinite(r) && isFinite(p) && r >= 0 && p > 0) {
      sortie.textContent = String(Math.round(r / 12 / p)).replace(/\B(?=(\d{3})+(?!\d))/g, "\u00a0");
    } else {
      sortie.textContent = "—";
    }
  }

  revenu.addEventListener("input", recalculer);
  parts.addEventListener("input", recalculer);
})();
