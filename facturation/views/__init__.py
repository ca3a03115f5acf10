"""Les pages de la facturation : le relevé et les factures (`releve`), le paiement en ligne
(`paiement`)."""
