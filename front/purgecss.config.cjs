// Bootstrap réduit aux règles dont le portail se sert : `make css` lit les gabarits, le code
// Python (classes des champs de formulaire), les scripts du portail et les gabarits de
// crispy-bootstrap5, et écrit static/vendor/bootstrap/bootstrap.min.css depuis la version
// complète (front/bootstrap/bootstrap.min.css). tests/portail/test_css.py vérifie que toute
// classe de Bootstrap employée par un gabarit y est restée.
module.exports = {
  content: [
    "../templates/**/*.html",
    "../{commun,travaux,familles,enfants,facturation,dossiers,demandes,courriels,portail}/**/*.py",
    "../static/js/*.js",
    "../.venv/lib/python3*/site-packages/crispy_bootstrap5/templates/**/*.html",
  ],
  css: ["bootstrap/bootstrap.min.css"],
  keyframes: true,
  // Les états que le navigateur ou les formulaires ajoutent (validation).
  safelist: { standard: [/^was-validated$/, /^is-(in)?valid$/] },
};
