"""Le portail n'a pas de modèle à lui (ses migrations retirent l'ancien modèle des sessions)."""
