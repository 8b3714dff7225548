<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr" sourcelanguage="en">
<context>
    <name>Application</name>
    <message>
        <source>Opening the database…</source>
        <extracomment>What the window needs beyond Qt, imported in the background once the window is on screen (SQLAlchemy and the models among them: about half a second; issue 10, point 15).</extracomment>
        <translation>Ouverture de la base de données…</translation>
    </message>
    <message>
        <source>Making the demo database (%1 invented customers)…</source>
        <translation>Création de la base de démonstration (%1 clients fictifs)…</translation>
    </message>
    <message>
        <source>Cible cannot open the database.</source>
        <translation>Cible ne peut pas ouvrir la base de données.</translation>
    </message>
</context>
<context>
    <name>CandidatesTableModel</name>
    <message>
        <source>Score</source>
        <translation>Score</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Client</translation>
    </message>
    <message>
        <source>Other record</source>
        <translation>Autre fiche</translation>
    </message>
    <message>
        <source>Postal code</source>
        <translation>Code postal</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>Pourquoi</translation>
    </message>
</context>
<context>
    <name>DatabaseOverview</name>
    <message>
        <source>What is in this database</source>
        <translation>Contenu de la base de données</translation>
    </message>
    <message>
        <source>Customers and vehicles</source>
        <translation>Clients et véhicules</translation>
    </message>
    <message>
        <source>Customers</source>
        <translation>Clients</translation>
    </message>
    <message>
        <source>of which companies</source>
        <translation>dont sociétés</translation>
    </message>
    <message>
        <source>of which fleet and leasing companies</source>
        <translation>dont loueurs et flottes</translation>
    </message>
    <message>
        <source>Vehicles</source>
        <translation>Véhicules</translation>
    </message>
    <message>
        <source>of which in use</source>
        <translation>dont en circulation</translation>
    </message>
    <message>
        <source>Ownership records (current and past owners)</source>
        <translation>Propriétés (propriétaires actuels et anciens)</translation>
    </message>
    <message>
        <source>Workshop, sales and contacts</source>
        <translation>Atelier, ventes et contacts</translation>
    </message>
    <message>
        <source>Workshop invoices</source>
        <translation>Factures atelier</translation>
    </message>
    <message>
        <source>Invoice lines</source>
        <translation>Lignes de facture</translation>
    </message>
    <message>
        <source>Invoice dates</source>
        <translation>Dates des factures</translation>
    </message>
    <message>
        <source>Vehicle sales (new and used)</source>
        <translation>Ventes de véhicules (VN et VO)</translation>
    </message>
    <message>
        <source>Contacts made</source>
        <translation>Contacts réalisés</translation>
    </message>
    <message>
        <source>Sites</source>
        <translation>Sites</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>Base de données</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>Emplacement</translation>
    </message>
    <message>
        <source>Schema version</source>
        <translation>Version du schéma</translation>
    </message>
    <message>
        <source>Size on disk</source>
        <translation>Taille sur le disque</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Actualiser</translation>
    </message>
    <message>
        <source>Count again (after an import, for example)</source>
        <translation>Compter à nouveau (après un import, par exemple)</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>Comptage en cours…</translation>
    </message>
    <message>
        <source>no invoice yet</source>
        <translation>aucune facture</translation>
    </message>
    <message>
        <source>from %1 to %2</source>
        <translation>du %1 au %2</translation>
    </message>
    <message>
        <source>none</source>
        <translation>aucune</translation>
    </message>
    <message>
        <source>not a file</source>
        <translation>pas un fichier</translation>
    </message>
    <message>
        <source>Counted at %1.</source>
        <translation>Compté à %1.</translation>
    </message>
    <message>
        <source>Cannot read the database: %1</source>
        <translation>Impossible de lire la base de données : %1</translation>
    </message>
</context>
<context>
    <name>DatabaseOverviewDialog</name>
    <message>
        <source>Database overview</source>
        <translation>Vue d’ensemble de la base</translation>
    </message>
</context>
<context>
    <name>DuplicatesDialog</name>
    <message>
        <source>Duplicate customers</source>
        <translation>Doublons de clients</translation>
    </message>
    <message>
        <source>Pairs scoring less are not listed</source>
        <translation>Les paires de score inférieur ne sont pas listées</translation>
    </message>
    <message>
        <source>&amp;Search</source>
        <translation>&amp;Rechercher</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Arrêter</translation>
    </message>
    <message>
        <source>Minimum score:</source>
        <translation>Score minimum :</translation>
    </message>
    <message>
        <source>&amp;Compare and merge…</source>
        <translation>&amp;Comparer et fusionner…</translation>
    </message>
    <message>
        <source>Customers that are probably the same person: same mobile or e-mail, same vehicle (VIN), or a close name (spelling, accents, first and last name inverted) in the same postal code.</source>
        <translation>Clients qui sont probablement la même personne : même portable ou e-mail, même véhicule (VIN), ou nom proche (orthographe, accents, nom et prénom inversés) dans le même code postal.</translation>
    </message>
    <message>
        <source>&amp;Undo this merge</source>
        <translation>&amp;Annuler cette fusion</translation>
    </message>
    <message>
        <source>Probable duplicates</source>
        <translation>Doublons probables</translation>
    </message>
    <message>
        <source>Past merges</source>
        <translation>Fusions effectuées</translation>
    </message>
    <message>
        <source>Probable duplicates: %1</source>
        <translation>Doublons probables : %1</translation>
    </message>
    <message>
        <source>Search stopped.</source>
        <translation>Recherche arrêtée.</translation>
    </message>
    <message>
        <source>Cible could not do this: %1</source>
        <translation>Cible n’a pas pu le faire : %1</translation>
    </message>
    <message>
        <source>Merged. The merge can be undone in Past merges.</source>
        <translation>Fusion faite. Elle peut être annulée dans « Fusions effectuées ».</translation>
    </message>
    <message>
        <source>Undo this merge</source>
        <translation>Annuler cette fusion</translation>
    </message>
    <message>
        <source>Put %1 and %2 back as two separate customers, as they were before the merge?</source>
        <translation>Rétablir %1 et %2 en deux clients distincts, tels qu’ils étaient avant la fusion ?</translation>
    </message>
    <message>
        <source>Merge undone: search again to see the pair.</source>
        <translation>Fusion annulée : relancez la recherche pour revoir la paire.</translation>
    </message>
</context>
<context>
    <name>GuideWindow</name>
    <message>
        <source>User guide</source>
        <translation>Guide de l’utilisateur</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>This is the demo database: invented customers and vehicles, safe to try anything. It is kept apart from your real data.</source>
        <translation>Ceci est la base de démonstration : clients et véhicules fictifs, vous pouvez tout essayer. Elle est séparée de vos vraies données.</translation>
    </message>
    <message>
        <source>The database was upgraded to this version of Cible. A copy of it as it was before the upgrade is saved in %1</source>
        <translation>La base de données a été mise à jour pour cette version de Cible. Une copie de la base telle qu’elle était avant la mise à jour est enregistrée dans %1</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <source>&amp;Open database…</source>
        <translation type="vanished">&amp;Ouvrir une base de données…</translation>
    </message>
    <message>
        <source>Open another Cible database file</source>
        <translation>Ouvrir un autre fichier de base de données Cible</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Aide</translation>
    </message>
    <message>
        <source>&amp;About Cible</source>
        <translation>À &amp;propos de Cible</translation>
    </message>
    <message>
        <source>Cible — %1</source>
        <translation type="vanished">Cible — %1</translation>
    </message>
    <message>
        <source>Open &amp;database…</source>
        <translation>Ouvrir une &amp;base de données…</translation>
    </message>
    <message>
        <source>Database &amp;overview…</source>
        <translation>&amp;Vue d’ensemble de la base…</translation>
    </message>
    <message>
        <source>What is in this database: customers, vehicles, invoices…</source>
        <translation>Le contenu de cette base : clients, véhicules, factures…</translation>
    </message>
    <message>
        <source>Duplicate &amp;customers…</source>
        <translation>&amp;Doublons de clients…</translation>
    </message>
    <message>
        <source>Find customers entered twice and merge them</source>
        <translation>Trouver les clients saisis deux fois et les fusionner</translation>
    </message>
    <message>
        <source>&amp;Sites…</source>
        <translation>&amp;Sites…</translation>
    </message>
    <message>
        <source>Each site&apos;s address, phone, e-mail and links, as its letters print them</source>
        <translation>L’adresse, le téléphone, l’e-mail et les liens de chaque site, tels que ses courriers les impriment</translation>
    </message>
    <message>
        <source>&amp;User guide (French)</source>
        <translation>&amp;Guide de l’utilisateur</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Raccourcis clavier</translation>
    </message>
    <message>
        <source>One loyalty program due today has not run yet.</source>
        <translation>Un programme de fidélisation prévu aujourd’hui n’a pas encore tourné.</translation>
    </message>
    <message>
        <source>%1 loyalty programs due today have not run yet.</source>
        <translation>%1 programmes de fidélisation prévus aujourd’hui n’ont pas encore tourné.</translation>
    </message>
    <message>
        <source>Open the programs…</source>
        <translation>Ouvrir les programmes…</translation>
    </message>
    <message>
        <source>%1, next to the database (NAME.backup-DATE-TIME.sqlite)</source>
        <translation>%1, à côté de la base (NOM.backup-DATE-HEURE.sqlite)</translation>
    </message>
    <message>
        <source>kept by the database server (its administrator makes them)</source>
        <translation>sur le serveur de base de données (faites par son administrateur)</translation>
    </message>
    <message>
        <source>Data folder: %1</source>
        <translation>Dossier des données : %1</translation>
    </message>
    <message>
        <source>Settings: %1</source>
        <translation>Paramètres : %1</translation>
    </message>
    <message>
        <source>Backups: %1</source>
        <translation>Sauvegardes : %1</translation>
    </message>
    <message>
        <source>&amp;Import from the DMS…</source>
        <translation>&amp;Importer depuis le DMS…</translation>
    </message>
    <message>
        <source>Bring in customers, vehicles, workshop invoices or sales from a DMS extract</source>
        <translation>Faire entrer clients, véhicules, factures atelier ou ventes depuis une extraction du DMS</translation>
    </message>
    <message>
        <source>%1[*] — Cible — %2</source>
        <translation type="vanished">%1[*] — Cible — %2</translation>
    </message>
    <message>
        <source>%1[*] — %2</source>
        <translation>%1[*] — %2</translation>
    </message>
    <message>
        <source>Open a Cible database</source>
        <translation>Ouvrir une base de données Cible</translation>
    </message>
    <message>
        <source>Cible databases (*.sqlite *.db);;All files (*)</source>
        <translation>Bases de données Cible (*.sqlite *.db);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Opening the database…</source>
        <translation>Ouverture de la base de données…</translation>
    </message>
    <message>
        <source>&amp;Programs</source>
        <translation>&amp;Programmes</translation>
    </message>
    <message>
        <source>&amp;Loyalty programs…</source>
        <translation>Programmes de &amp;fidélisation…</translation>
    </message>
    <message>
        <source>Reminders that run by themselves: services, CT, warranty ends, welcomes…</source>
        <translation>Les relances qui tournent seules : entretiens, CT, fins de garantie, bienvenues…</translation>
    </message>
    <message>
        <source>Cible</source>
        <translation>Cible</translation>
    </message>
    <message>
        <source>Cible cannot open this database.</source>
        <translation>Cible ne peut pas ouvrir cette base de données.</translation>
    </message>
    <message>
        <source>About Cible</source>
        <translation>À propos de Cible</translation>
    </message>
    <message>
        <source>Customer and vehicle targeting for car-dealership back offices: select customers and vehicles, then reach them by letter, Excel list, SMS or phone.</source>
        <translation>Ciblage des clients et des véhicules pour l’après-vente et le commerce des concessions automobiles : sélectionnez des clients et des véhicules, puis contactez-les par courrier, liste Excel, SMS ou téléphone.</translation>
    </message>
    <message>
        <source>Database: %1</source>
        <translation>Base de données : %1</translation>
    </message>
</context>
<context>
    <name>MergeDialog</name>
    <message>
        <source>Merge two customers</source>
        <translation>Fusionner deux clients</translation>
    </message>
    <message>
        <source>Score %1: %2</source>
        <translation>Score %1 : %2</translation>
    </message>
    <message>
        <source>Keep this record</source>
        <translation>Garder cette fiche</translation>
    </message>
    <message>
        <source>The record kept keeps its DMS reference and its values; its empty fields are filled from the other one. Vehicles, invoices, sales, contacts, SMS and refusals move to it; the other record&apos;s DMS reference becomes an alias of it, so a later import of it lands on the record kept. A merge can be undone.</source>
        <translation>La fiche gardée conserve son n° client DMS et ses valeurs ; ses champs vides sont remplis avec ceux de l’autre. Véhicules, factures, ventes, contacts, SMS et refus lui sont rattachés ; le n° client DMS de l’autre fiche devient un alias de la fiche gardée : un import ultérieur de ce numéro arrive sur elle. Une fusion peut être annulée.</translation>
    </message>
    <message>
        <source>&amp;Merge</source>
        <translation>&amp;Fusionner</translation>
    </message>
    <message>
        <source>DMS reference</source>
        <translation>N° client DMS</translation>
    </message>
    <message>
        <source>Site</source>
        <translation>Site</translation>
    </message>
    <message>
        <source>Civility</source>
        <translation>Civilité</translation>
    </message>
    <message>
        <source>Last name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>First name</source>
        <translation>Prénom</translation>
    </message>
    <message>
        <source>Company name</source>
        <translation>Raison sociale</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>Address (2)</source>
        <translation>Adresse (2)</translation>
    </message>
    <message>
        <source>Postal code</source>
        <translation>Code postal</translation>
    </message>
    <message>
        <source>City</source>
        <translation>Ville</translation>
    </message>
    <message>
        <source>Mobile</source>
        <translation>Portable</translation>
    </message>
    <message>
        <source>Home phone</source>
        <translation>Tél. domicile</translation>
    </message>
    <message>
        <source>Work phone</source>
        <translation>Tél. bureau</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <source>Birth date</source>
        <translation>Date de naissance</translation>
    </message>
    <message>
        <source>Vehicles</source>
        <translation>Véhicules</translation>
    </message>
    <message>
        <source>Workshop invoices</source>
        <translation>Factures atelier</translation>
    </message>
    <message>
        <source>Vehicle sales</source>
        <translation>Ventes de véhicules</translation>
    </message>
    <message>
        <source>Contacts made</source>
        <translation>Contacts réalisés</translation>
    </message>
    <message>
        <source>SMS sent</source>
        <translation>SMS envoyés</translation>
    </message>
    <message>
        <source>Refusals</source>
        <translation>Refus</translation>
    </message>
    <message>
        <source>Created on</source>
        <translation>Créé le</translation>
    </message>
    <message>
        <source>Reading the two records…</source>
        <translation>Lecture des deux fiches…</translation>
    </message>
    <message>
        <source>Cible could not do this: %1</source>
        <translation>Cible n’a pas pu le faire : %1</translation>
    </message>
    <message>
        <source>Merge cancelled: nothing was changed.</source>
        <translation>Fusion annulée : rien n’a été modifié.</translation>
    </message>
</context>
<context>
    <name>MergesTableModel</name>
    <message>
        <source>Merged on</source>
        <translation>Fusionné le</translation>
    </message>
    <message>
        <source>Kept</source>
        <translation>Fiche gardée</translation>
    </message>
    <message>
        <source>Merged into it</source>
        <translation>Fiche fusionnée</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>Score</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Par</translation>
    </message>
    <message>
        <source>Undone</source>
        <translation>Annulée</translation>
    </message>
    <message>
        <source>%1 by %2</source>
        <translation>%1 par %2</translation>
    </message>
</context>
<context>
    <name>MessageBar</name>
    <message>
        <source>Hide this message</source>
        <translation>Masquer ce message</translation>
    </message>
    <message>
        <source>Details…</source>
        <translation>Détails…</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Détails</translation>
    </message>
</context>
<context>
    <name>OutputMenus</name>
    <message>
        <source>E&amp;xport</source>
        <translation>E&amp;xporter</translation>
    </message>
    <message>
        <source>&amp;Excel workbook…</source>
        <translation>Classeur &amp;Excel…</translation>
    </message>
    <message>
        <source>Write the target&apos;s rows to an Excel workbook, or refresh a saved one</source>
        <translation>Écrire les lignes de la cible dans un classeur Excel, ou actualiser un export enregistré</translation>
    </message>
    <message>
        <source>&amp;Letters and labels (Word)…</source>
        <translation>&amp;Publipostage et étiquettes (Word)…</translation>
    </message>
    <message>
        <source>Merge the target into a Word letter or print address labels</source>
        <translation>Fusionner la cible dans une lettre Word ou imprimer des étiquettes d’adresse</translation>
    </message>
    <message>
        <source>&amp;SMS</source>
        <translation>&amp;SMS</translation>
    </message>
    <message>
        <source>&amp;Send an SMS…</source>
        <translation>&amp;Envoyer un SMS…</translation>
    </message>
    <message>
        <source>Send an SMS to the target&apos;s mobile numbers, now or later</source>
        <translation>Envoyer un SMS aux portables de la cible, maintenant ou plus tard</translation>
    </message>
    <message>
        <source>SMS &amp;log</source>
        <translation>&amp;Journal des SMS</translation>
    </message>
    <message>
        <source>Every SMS sent or waiting, with its status</source>
        <translation>Tous les SMS envoyés ou en attente, avec leur statut</translation>
    </message>
    <message>
        <source>SMS s&amp;ettings…</source>
        <translation>&amp;Paramètres SMS…</translation>
    </message>
    <message>
        <source>Gateway, sender name, opt-out mention, price, send windows</source>
        <translation>Passerelle, nom de l’expéditeur, mention STOP, prix, plages d’envoi</translation>
    </message>
    <message>
        <source>E-ma&amp;il</source>
        <translation>E-ma&amp;il</translation>
    </message>
    <message>
        <source>Send an &amp;e-mail…</source>
        <translation>&amp;Envoyer un e-mail…</translation>
    </message>
    <message>
        <source>Send an e-mail to the target&apos;s addresses, now or later, or save .eml files</source>
        <translation>Envoyer un e-mail aux adresses de la cible, maintenant ou plus tard, ou enregistrer des fichiers .eml</translation>
    </message>
    <message>
        <source>E-mail &amp;log</source>
        <translation>&amp;Journal des e-mails</translation>
    </message>
    <message>
        <source>Every e-mail sent or waiting, bounces and unsubscribes</source>
        <translation>Chaque e-mail envoyé ou en attente, les retours et les désinscriptions</translation>
    </message>
    <message>
        <source>E-mail s&amp;ettings…</source>
        <translation>Pa&amp;ramètres e-mail…</translation>
    </message>
    <message>
        <source>Mail server or Brevo, sender per site, unsubscribe address, mailbox</source>
        <translation>Serveur de messagerie ou Brevo, expéditeur par site, adresse de désinscription, boîte aux lettres</translation>
    </message>
    <message>
        <source>Deferred SMS could not be sent: %1</source>
        <translation>Les SMS différés n’ont pas pu partir : %1</translation>
    </message>
    <message>
        <source>Deferred e-mails could not be sent: %1</source>
        <translation>Les e-mails différés n’ont pas pu être envoyés&#xa0;: %1</translation>
    </message>
</context>
<context>
    <name>Shortcuts</name>
    <message>
        <source>Criteria: type a value under a field (a leading &lt; &gt; = ≠ ! is its operator)</source>
        <translation>Critères : taper une valeur sous un champ (un &lt; &gt; = ≠ ! en tête en est l’opérateur)</translation>
    </message>
    <message>
        <source>any character</source>
        <translation>tout caractère</translation>
    </message>
    <message>
        <source>Criteria: operator of the line</source>
        <translation>Critères : opérateur de la ligne</translation>
    </message>
    <message>
        <source>Criteria: operator buttons</source>
        <translation>Critères : boutons d’opérateur</translation>
    </message>
    <message>
        <source>Criteria: tick a value</source>
        <translation>Critères : cocher une valeur</translation>
    </message>
    <message>
        <source>Space</source>
        <translation>Espace</translation>
    </message>
    <message>
        <source>Criteria: remove a criterion</source>
        <translation>Critères : supprimer un critère</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Suppr</translation>
    </message>
    <message>
        <source>Criteria: find a field or a value</source>
        <translation>Critères : chercher un champ ou une valeur</translation>
    </message>
    <message>
        <source>Criteria: previous / next OR group</source>
        <translation>Critères : groupe OU précédent / suivant</translation>
    </message>
    <message>
        <source>List: go to the last row</source>
        <translation>Liste : aller à la dernière ligne</translation>
    </message>
    <message>
        <source>List: remove / put back the selected customers</source>
        <translation>Liste : retirer / remettre les clients sélectionnés</translation>
    </message>
    <message>
        <source>Delete / Insert</source>
        <translation>Suppr / Inser</translation>
    </message>
    <message>
        <source>List: copy the selected rows for Excel</source>
        <translation>Liste : copier les lignes sélectionnées pour Excel</translation>
    </message>
    <message>
        <source>Stop the query under way</source>
        <translation>Arrêter la requête en cours</translation>
    </message>
    <message>
        <source>Esc</source>
        <translation>Échap</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Raccourcis clavier</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>Commande</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Touche</translation>
    </message>
</context>
<context>
    <name>SitesDialog</name>
    <message>
        <source>Sites</source>
        <translation>Sites</translation>
    </message>
    <message>
        <source>What the letters print about the site that sends them (the customer&apos;s site): the merge fields «Site - Name», «Site - Phone»…</source>
        <translation>Ce que les courriers impriment sur le site qui les envoie (le site du client) : les champs de fusion «Site - Nom», «Site - Téléphone»…</translation>
    </message>
    <message>
        <source>Save</source>
        <extracomment>One line edit per detail of SITE_FIELDS, by column.</extracomment>
        <translation>Enregistrer</translation>
    </message>
    <message>
        <source>Undo changes</source>
        <translation>Annuler les modifications</translation>
    </message>
    <message>
        <source>No site yet: sites come with the import from the DMS.</source>
        <translation>Aucun site pour l’instant : les sites arrivent avec l’import du DMS.</translation>
    </message>
    <message>
        <source>Details of %1 saved.</source>
        <translation>Coordonnées de %1 enregistrées.</translation>
    </message>
    <message>
        <source>Save the changes to this site&apos;s details?</source>
        <translation>Enregistrer les modifications des coordonnées de ce site ?</translation>
    </message>
</context>
<context>
    <name>Tasks</name>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
</context>
<context>
    <name>WaitingQuestion</name>
    <message>
        <source>Send them</source>
        <extracomment>The answers: what the window then does first, before the new send is made.</extracomment>
        <translation>Les envoyer</translation>
    </message>
    <message>
        <source>Cancel them</source>
        <translation>Les annuler</translation>
    </message>
    <message>
        <source>Leave them</source>
        <translation>Les laisser</translation>
    </message>
</context>
</TS>
