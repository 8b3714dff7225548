<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr" sourcelanguage="en">
<context>
    <name>Application</name>
    <message>
        <source>Opening the database…</source>
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
        <translation>Aperçu de la base de données</translation>
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
        <translation>La base de données a été mise à jour pour cette version de Cible. Une copie de la base telle qu&apos;elle était avant la mise à jour est enregistrée dans %1</translation>
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
        <source>&amp;Import from the DMS…</source>
        <translation>&amp;Importer depuis le DMS…</translation>
    </message>
    <message>
        <source>Bring in customers, vehicles, workshop invoices or sales from a DMS extract</source>
        <translation>Faire entrer clients, véhicules, factures atelier ou ventes depuis une extraction du DMS</translation>
    </message>
    <message>
        <source>%1[*] — Cible — %2</source>
        <translation>%1[*] — Cible — %2</translation>
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
        <translation>Ciblage des clients et des véhicules pour l&apos;après-vente et le commerce des concessions automobiles : sélectionnez des clients et des véhicules, puis contactez-les par courrier, liste Excel, SMS ou téléphone.</translation>
    </message>
    <message>
        <source>Database: %1</source>
        <translation>Base de données : %1</translation>
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
        <source>Deferred SMS could not be sent: %1</source>
        <translation>Les SMS différés n’ont pas pu partir : %1</translation>
    </message>
</context>
<context>
    <name>Tasks</name>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
</context>
</TS>
