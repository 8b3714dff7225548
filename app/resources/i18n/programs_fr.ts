<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr" sourcelanguage="en">
<context>
    <name>EffectChart</name>
    <message>
        <source>No run yet: the chart fills in as the program runs.</source>
        <translation>Pas encore de passage : le graphique se remplit au fil des passages du programme.</translation>
    </message>
    <message>
        <source>Contacted: came back</source>
        <translation>Contactés : revenus</translation>
    </message>
    <message>
        <source>Control group: came back</source>
        <translation>Groupe témoin : revenus</translation>
    </message>
</context>
<context>
    <name>ProgramDialog</name>
    <message>
        <source>New program: %1</source>
        <extracomment>The event each type counts from (for the &quot;days before / after&quot; sentence).</extracomment>
        <translation>Nouveau programme : %1</translation>
    </message>
    <message>
        <source>Program: %1</source>
        <translation>Programme : %1</translation>
    </message>
    <message>
        <source>Everyone the type&apos;s rule finds</source>
        <translation>Tous ceux que la règle du type trouve</translation>
    </message>
    <message>
        <source>Saved target: %1</source>
        <translation>Cible enregistrée : %1</translation>
    </message>
    <message>
        <source>Saved target: %1 (deleted: choose another)</source>
        <translation>Cible enregistrée : %1 (supprimée : choisissez-en une autre)</translation>
    </message>
    <message>
        <source>Add the criteria of a saved target…</source>
        <translation>Ajouter les critères d’une cible enregistrée…</translation>
    </message>
    <message>
        <source>No extra criteria</source>
        <translation>Aucun critère en plus</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Qui</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Nom :</translation>
    </message>
    <message>
        <source>Type:</source>
        <translation>Type :</translation>
    </message>
    <message>
        <source>Customers:</source>
        <translation>Clients :</translation>
    </message>
    <message>
        <source>Extra criteria:</source>
        <translation>Critères en plus :</translation>
    </message>
    <message>
        <source> days</source>
        <translation> jours</translation>
    </message>
    <message>
        <source>before</source>
        <translation>avant</translation>
    </message>
    <message>
        <source>after</source>
        <translation>après</translation>
    </message>
    <message>
        <source>the event: %1</source>
        <translation>l’événement : %1</translation>
    </message>
    <message>
        <source>A reminder that should have gone out longer ago than this is no longer sent</source>
        <translation>Une relance qui aurait dû partir il y a plus longtemps que cela n’est plus envoyée</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Quand</translation>
    </message>
    <message>
        <source>Contact:</source>
        <translation>Contacter :</translation>
    </message>
    <message>
        <source>Catch up to:</source>
        <translation>Rattrapage jusqu’à :</translation>
    </message>
    <message>
        <source>Processed:</source>
        <translation>Traité :</translation>
    </message>
    <message>
        <source>Up</source>
        <translation>Monter</translation>
    </message>
    <message>
        <source>Down</source>
        <translation>Descendre</translation>
    </message>
    <message>
        <source>Each customer is reached on the channel they prefer when it is ticked and allowed, else on the first allowed one in this order.</source>
        <translation>Chaque client est contacté par son canal préféré s’il est coché et autorisé, sinon par le premier canal autorisé dans cet ordre.</translation>
    </message>
    <message>
        <source>A Word letter template (.docx)</source>
        <translation>Un modèle de lettre Word (.docx)</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Parcourir…</translation>
    </message>
    <message>
        <source>A name alone (rappel_entretien.docx) is one of the starter letters shipped with Cible.</source>
        <translation>Un nom seul (rappel_entretien.docx) désigne une des lettres de départ livrées avec Cible.</translation>
    </message>
    <message>
        <source>The SMS text, with {merge fields}</source>
        <translation>Le texte du SMS, avec des {champs de fusion}</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Objet</translation>
    </message>
    <message>
        <source>The message (HTML or text), with {merge fields}</source>
        <translation>Le message (HTML ou texte), avec des {champs de fusion}</translation>
    </message>
    <message>
        <source>What to say on the phone (printed on the call list)</source>
        <translation>Ce qu’il faut dire au téléphone (imprimé sur la liste d’appels)</translation>
    </message>
    <message>
        <source>How</source>
        <translation>Comment</translation>
    </message>
    <message>
        <source>Customers held out at random and not contacted, to measure what the reminders bring (0: no control group)</source>
        <translation>Clients mis de côté au hasard et non contactés, pour mesurer ce que rapportent les relances (0 : pas de groupe témoin)</translation>
    </message>
    <message>
        <source>Paused (not processed until resumed)</source>
        <translation>En pause (pas traité avant la reprise)</translation>
    </message>
    <message>
        <source>Follow-up</source>
        <translation>Suivi</translation>
    </message>
    <message>
        <source>Owner:</source>
        <translation>Responsable :</translation>
    </message>
    <message>
        <source>Control group:</source>
        <translation>Groupe témoin :</translation>
    </message>
    <message>
        <source>none</source>
        <translation>aucun</translation>
    </message>
    <message>
        <source>cannot be read: %1</source>
        <translation>illisibles : %1</translation>
    </message>
    <message>
        <source>Letter template</source>
        <translation>Modèle de lettre</translation>
    </message>
    <message>
        <source>Word documents (*.docx)</source>
        <translation>Documents Word (*.docx)</translation>
    </message>
    <message>
        <source>This program cannot run yet: %1</source>
        <translation>Ce programme ne peut pas encore tourner : %1</translation>
    </message>
    <message>
        <source>Give the program a name.</source>
        <translation>Donnez un nom au programme.</translation>
    </message>
    <message>
        <source>This program cannot run yet:

%1

Save it anyway? It stays on the dashboard with the reason, and is skipped until it is put right.</source>
        <translation>Ce programme ne peut pas encore tourner :

%1

L’enregistrer quand même ? Il reste au tableau de bord avec la raison, et il est sauté tant qu’il n’est pas corrigé.</translation>
    </message>
    <message>
        <source>Another program is already called “%1”.</source>
        <translation>Un autre programme s’appelle déjà « %1 ».</translation>
    </message>
    <message>
        <source>This program was deleted meanwhile.</source>
        <translation>Ce programme a été supprimé entre-temps.</translation>
    </message>
</context>
<context>
    <name>ProgramSettingsDialog</name>
    <message>
        <source>Loyalty programs: settings</source>
        <translation>Programmes de fidélisation : réglages</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>sans limite</translation>
    </message>
    <message>
        <source>Marketing contacts per customer per month, all programs, campaigns and channels together</source>
        <translation>Contacts marketing par client et par mois, tous programmes, campagnes et canaux confondus</translation>
    </message>
    <message>
        <source> days</source>
        <translation> jours</translation>
    </message>
    <message>
        <source>A “programmes” folder beside the database</source>
        <translation>Un dossier « programmes » à côté de la base</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Parcourir…</translation>
    </message>
    <message>
        <source>Rules</source>
        <translation>Règles</translation>
    </message>
    <message>
        <source>At most, per customer and month:</source>
        <translation>Au plus, par client et par mois :</translation>
    </message>
    <message>
        <source>No service reminder after a service in the last:</source>
        <translation>Pas de relance d’entretien après un entretien dans les derniers :</translation>
    </message>
    <message>
        <source>A contacted customer came back if seen at the workshop within:</source>
        <translation>Un client contacté est revenu s’il passe à l’atelier dans les :</translation>
    </message>
    <message>
        <source>Letters and call lists go to:</source>
        <translation>Lettres et listes d’appels dans :</translation>
    </message>
    <message>
        <source>Brand</source>
        <translation>Marque</translation>
    </message>
    <message>
        <source>Energy</source>
        <translation>Énergie</translation>
    </message>
    <message>
        <source>Every (days)</source>
        <translation>Tous les (jours)</translation>
    </message>
    <message>
        <source>Every (km)</source>
        <translation>Tous les (km)</translation>
    </message>
    <message>
        <source>Add a line</source>
        <translation>Ajouter une ligne</translation>
    </message>
    <message>
        <source>Remove the line</source>
        <translation>Supprimer la ligne</translation>
    </message>
    <message>
        <source>An empty brand or energy applies to all.</source>
        <translation>Une marque ou une énergie vide vaut pour toutes.</translation>
    </message>
    <message>
        <source>Service intervals (the DMS&apos;s due date comes first when known)</source>
        <translation>Intervalles d’entretien (la date prévue par le DMS passe en premier quand elle est connue)</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copier</translation>
    </message>
    <message>
        <source>Register in the Task Scheduler</source>
        <translation>Inscrire dans le Planificateur de tâches</translation>
    </message>
    <message>
        <source>Windows: register the daily task, or run this command in a command prompt.</source>
        <translation>Windows : inscrivez la tâche quotidienne, ou lancez cette commande dans une invite de commandes.</translation>
    </message>
    <message>
        <source>Add this line to the crontab (crontab -e) of the user who runs Cible.</source>
        <translation>Ajoutez cette ligne à la crontab (crontab -e) de l’utilisateur qui fait tourner Cible.</translation>
    </message>
    <message>
        <source>Running by itself every day</source>
        <translation>Traitement automatique chaque jour</translation>
    </message>
    <message>
        <source>At:</source>
        <translation>À :</translation>
    </message>
    <message>
        <source>Service intervals, line %1: days and km are whole numbers.</source>
        <translation>Intervalles d’entretien, ligne %1 : les jours et les km sont des nombres entiers.</translation>
    </message>
    <message>
        <source>Service intervals, line %1: give a number of days or of km.</source>
        <translation>Intervalles d’entretien, ligne %1 : indiquez un nombre de jours ou de km.</translation>
    </message>
    <message>
        <source>Windows did not register the task: %1</source>
        <translation>Windows n’a pas inscrit la tâche : %1</translation>
    </message>
    <message>
        <source>The programs will run every day at %1 (task “%2”).</source>
        <translation>Les programmes tourneront chaque jour à %1 (tâche « %2 »).</translation>
    </message>
    <message>
        <source>Folder for letters and call lists</source>
        <translation>Dossier des lettres et listes d’appels</translation>
    </message>
</context>
<context>
    <name>ProgramsTableModel</name>
    <message>
        <source>Program</source>
        <translation>Programme</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Due this month</source>
        <translation>À faire ce mois-ci</translation>
    </message>
    <message>
        <source>Due next month</source>
        <translation>À faire le mois prochain</translation>
    </message>
    <message>
        <source>Next processing</source>
        <translation>Prochain traitement</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>Responsable</translation>
    </message>
    <message>
        <source>Last run</source>
        <translation>Dernier passage</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Résultat</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>En pause</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Prêt</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>en pause</translation>
    </message>
    <message>
        <source>never</source>
        <translation>jamais</translation>
    </message>
</context>
<context>
    <name>ProgramsWindow</name>
    <message>
        <source>Dry run: nothing was recorded, sent or written.</source>
        <translation>Simulation : rien n’a été enregistré, envoyé ni écrit.</translation>
    </message>
    <message>
        <source>File:</source>
        <translation>Fichier :</translation>
    </message>
    <message>
        <source>Left out</source>
        <translation>Écartés</translation>
    </message>
    <message>
        <source>No customer contacted yet.</source>
        <translation>Aucun client contacté pour l’instant.</translation>
    </message>
    <message>
        <source>Contacted: %1 customers, %2 came back to the workshop (%3), %4 of workshop revenue.</source>
        <translation>Contactés : %1 clients, %2 revenus à l’atelier (%3), %4 de chiffre d’affaires atelier.</translation>
    </message>
    <message>
        <source>No control group: set one in the program to measure what the reminders add.</source>
        <translation>Pas de groupe témoin : réglez-en un dans le programme pour mesurer ce qu’apportent les relances.</translation>
    </message>
    <message>
        <source>Control group: %1 customers, %2 came back (%3).</source>
        <translation>Groupe témoin : %1 clients, %2 revenus (%3).</translation>
    </message>
    <message>
        <source>Not enough data yet to tell the difference.</source>
        <translation>Pas encore assez de données pour mesurer la différence.</translation>
    </message>
    <message>
        <source>Difference: %1 points (95 % confidence: %2 to %3).</source>
        <translation>Écart : %1 points (confiance à 95 % : de %2 à %3).</translation>
    </message>
    <message>
        <source>Loyalty programs</source>
        <extracomment>Emitted after a run ended (its :class:`RunReport`).</extracomment>
        <translation>Programmes de fidélisation</translation>
    </message>
    <message>
        <source>Each program contacts every customer at the right moment (a service due, a warranty ending, a delivery…) on the channel they prefer, and never twice for the same event. Programs run by themselves on their schedule; you can also run one now.</source>
        <translation>Chaque programme contacte chaque client au bon moment (un entretien à faire, une garantie qui se termine, une livraison…) par le canal qu’il préfère, et jamais deux fois pour le même événement. Les programmes tournent seuls selon leur calendrier ; vous pouvez aussi en lancer un tout de suite.</translation>
    </message>
    <message>
        <source>&amp;New program</source>
        <translation>&amp;Nouveau programme</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>&amp;Ouvrir…</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Pause</translation>
    </message>
    <message>
        <source>&amp;Preview (dry run)</source>
        <translation>&amp;Aperçu (simulation)</translation>
    </message>
    <message>
        <source>What a run would do today, without recording or sending anything</source>
        <translation>Ce qu’un passage ferait aujourd’hui, sans rien enregistrer ni envoyer</translation>
    </message>
    <message>
        <source>&amp;Run now…</source>
        <translation>&amp;Lancer maintenant…</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Réglages…</translation>
    </message>
    <message>
        <source>Re&amp;fresh</source>
        <translation>Actua&amp;liser</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Arrêter</translation>
    </message>
    <message>
        <source>Did it work?</source>
        <translation>Est-ce que ça marche ?</translation>
    </message>
    <message>
        <source>Select a program to see how many customers came back.</source>
        <translation>Choisissez un programme pour voir combien de clients sont revenus.</translation>
    </message>
    <message>
        <source>Res&amp;ume</source>
        <translation>Rep&amp;rendre</translation>
    </message>
    <message>
        <source>Cible could not do this: %1</source>
        <translation>Cible n’a pas pu le faire : %1</translation>
    </message>
    <message>
        <source>Counting the reminders due…</source>
        <translation>Calcul des relances à faire…</translation>
    </message>
    <message>
        <source>%1 programs, %2 reminders due this month.</source>
        <translation>%1 programmes, %2 relances à faire ce mois-ci.</translation>
    </message>
    <message>
        <source>%1 cannot run: see Status.</source>
        <translation>%1 ne peuvent pas tourner : voir État.</translation>
    </message>
    <message>
        <source>No program yet: create one with New program.</source>
        <translation>Aucun programme : créez-en un avec Nouveau programme.</translation>
    </message>
    <message>
        <source>Run now</source>
        <translation>Lancer maintenant</translation>
    </message>
    <message>
        <source>Process “%1” now? Reminders due today are recorded, letters and call lists are written, and SMS and e-mails are queued in their journals (sent within their send windows). A customer is never reminded twice for the same event.</source>
        <translation>Traiter « %1 » maintenant ? Les relances du jour sont enregistrées, les lettres et listes d’appels sont écrites, et les SMS et e-mails sont mis en file dans leurs journaux (envoyés dans leurs plages d’envoi). Un client n’est jamais relancé deux fois pour le même événement.</translation>
    </message>
    <message>
        <source>Processing “%1”…</source>
        <translation>Traitement de « %1 »…</translation>
    </message>
    <message>
        <source>Run stopped. Nothing was sent twice: the next run finishes what was started.</source>
        <translation>Passage arrêté. Rien n’a été envoyé deux fois : le prochain passage termine ce qui a été commencé.</translation>
    </message>
</context>
<context>
    <name>RunReportDialog</name>
    <message>
        <source>Dry run: %1</source>
        <translation>Simulation : %1</translation>
    </message>
    <message>
        <source>Run: %1</source>
        <translation>Passage : %1</translation>
    </message>
    <message>
        <source>Open the folder</source>
        <translation>Ouvrir le dossier</translation>
    </message>
</context>
</TS>
