// Feuille de présence (administration) : un bouton coche « Présent » pour chaque enfant
// encore sans présence notée. Sans JavaScript, le bouton reste caché et chaque ligne se coche
// à la main.
document.addEventListener("DOMContentLoaded", function () {
  var bouton = document.getElementById("tous-presents");
  if (!bouton) {
    return;
  }
  bouton.hidden = false;
  bouton.addEventListener("click", function () {
    document.querySelectorAll("table.feuille [role=radiogroup]").forEach(function (groupe) {
      if (!groupe.querySelector("input[type=radio]:checked")) {
        var present = groupe.querySelector('input[type=radio][value="present"]');
        if (present) {
          present.checked = true;
        }
      }
    });
  });
});
