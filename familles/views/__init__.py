"""Les pages des parents que sert `familles` : la Boîte de réception et Infos/Documents
(`messages`), « Mon compte » et ses demandes de modification (`mon_compte`)."""
