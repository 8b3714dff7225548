<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr" sourcelanguage="en">
<context>
    <name>EmailBodyEditor</name>
    <message>
        <source>Bold</source>
        <translation>Gras</translation>
    </message>
    <message>
        <source>Italic</source>
        <translation>Italique</translation>
    </message>
    <message>
        <source>Link…</source>
        <translation>Lien…</translation>
    </message>
    <message>
        <source>Make the selection a link (web or e-mail address)</source>
        <translation>Faire de la sélection un lien (adresse web ou e-mail)</translation>
    </message>
    <message>
        <source>• List</source>
        <translation>• Liste</translation>
    </message>
    <message>
        <source>Bulleted list</source>
        <translation>Liste à puces</translation>
    </message>
    <message>
        <source>Logo…</source>
        <translation>Logo…</translation>
    </message>
    <message>
        <source>Insert an image (PNG, JPEG or GIF) sent with the e-mail</source>
        <translation>Insérer une image (PNG, JPEG ou GIF) envoyée avec l’e-mail</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>Rétablir</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Texte</translation>
    </message>
    <message>
        <source>HTML</source>
        <translation>HTML</translation>
    </message>
    <message>
        <source>Write the e-mail as it will look</source>
        <translation>Écrire l’e-mail tel qu’il sera vu</translation>
    </message>
    <message>
        <source>The e-mail&apos;s HTML: for imported pages and to fine-tune the layout</source>
        <translation>Le HTML de l’e-mail&#xa0;: pour les pages importées et pour affiner la mise en page</translation>
    </message>
    <message>
        <source>its own style sheet (&lt;style&gt;)</source>
        <translation>sa feuille de style (&lt;style&gt;)</translation>
    </message>
    <message>
        <source>its layout (&lt;%1&gt;)</source>
        <translation>sa mise en page (&lt;%1&gt;)</translation>
    </message>
    <message>
        <source>its %1 attributes</source>
        <translation>ses attributs %1</translation>
    </message>
    <message>
        <source>its HTML, which cannot be read</source>
        <translation>son HTML, illisible</translation>
    </message>
    <message>
        <source>This e-mail is edited as HTML: the Text view would lose %1. Without that, you could write it in the Text view.</source>
        <translation>Cet e-mail se modifie en HTML&#xa0;: l’onglet Texte perdrait %1. Sans cela, vous pourriez l’écrire dans l’onglet Texte.</translation>
    </message>
    <message>
        <source>This e-mail is edited as HTML: the Text view would lose %1. Remove it to write in the Text view.</source>
        <translation type="vanished">Cet e-mail se modifie en HTML&#xa0;: l’onglet Texte perdrait %1. Retirez-la pour écrire dans l’onglet Texte.</translation>
    </message>
    <message>
        <source>Link</source>
        <translation>Lien</translation>
    </message>
    <message>
        <source>Address (https://… or mailto:…):</source>
        <translation>Adresse (https://… ou mailto:…)&#xa0;:</translation>
    </message>
    <message>
        <source>Insert a logo</source>
        <translation>Insérer un logo</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.gif)</source>
        <translation>Images (*.png *.jpg *.jpeg *.gif)</translation>
    </message>
    <message>
        <source>Cannot read the file: %1</source>
        <translation>Impossible de lire le fichier&#xa0;: %1</translation>
    </message>
    <message>
        <source>%1 cannot be read as an image.</source>
        <translation>%1 ne peut pas être lu comme une image.</translation>
    </message>
</context>
<context>
    <name>EmailLogWindow</name>
    <message>
        <source>E-mail log</source>
        <translation>Journal des e-mails</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Actualiser</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>Tous les statuts</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Client</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Objet</translation>
    </message>
    <message>
        <source>Campaign</source>
        <translation>Campagne</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Motif</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Utilisateur</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>Afficher&#xa0;:</translation>
    </message>
    <message>
        <source>“Unknown”: the connection was lost while the server was receiving the e-mail; it may have arrived, so Cible never sends it again (look in the Sent folder). Opens are not tracked.</source>
        <translation>«&#xa0;Inconnu&#xa0;»&#xa0;: la connexion a été perdue pendant que le serveur recevait l’e-mail&#xa0;; il est peut-être arrivé, donc Cible ne le renvoie jamais (regardez dans les éléments envoyés). Les ouvertures ne sont pas suivies.</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>Depuis le</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Origine</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Messages</translation>
    </message>
    <message>
        <source>Rejected addresses (bounces)</source>
        <translation>Adresses rejetées (retours)</translation>
    </message>
    <message>
        <source>Unsubscribes</source>
        <translation>Désinscriptions</translation>
    </message>
    <message>
        <source>Check the mailbox now</source>
        <translation>Relever la boîte aux lettres</translation>
    </message>
    <message>
        <source>Read the unsubscribe requests and bounces that arrived (IMAP, or Brevo)</source>
        <translation>Lire les demandes de désinscription et les retours arrivés (IMAP, ou Brevo)</translation>
    </message>
    <message>
        <source>Send waiting e-mails</source>
        <translation>Envoyer les e-mails en attente</translation>
    </message>
    <message>
        <source>Hand the e-mails whose time has come to the server</source>
        <translation>Remettre au serveur les e-mails dont l’heure est venue</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1&#xa0;: %2</translation>
    </message>
    <message>
        <source>(the newest %1 of %2 shown)</source>
        <translation>(les %1 plus récents sur %2)</translation>
    </message>
    <message>
        <source>Rejected addresses (bounces): %1</source>
        <translation>Adresses rejetées (retours)&#xa0;: %1</translation>
    </message>
    <message>
        <source>Unsubscribes: %1</source>
        <translation>Désinscriptions&#xa0;: %1</translation>
    </message>
    <message>
        <source>Reading the mailbox…</source>
        <translation>Lecture de la boîte aux lettres…</translation>
    </message>
    <message>
        <source>Mailbox read: %1 unsubscribe(s), %2 rejected address(es).</source>
        <translation>Boîte aux lettres relevée&#xa0;: %1 désinscription(s), %2 adresse(s) rejetée(s).</translation>
    </message>
    <message>
        <source>Sending the waiting e-mails…</source>
        <translation>Envoi des e-mails en attente…</translation>
    </message>
    <message>
        <source>No e-mail is waiting to be sent.</source>
        <translation>Aucun e-mail n’attend d’être envoyé.</translation>
    </message>
    <message>
        <source>%1 sent, %2 failed, %3 unknown.</source>
        <translation>%1 envoyé(s), %2 en échec, %3 inconnu(s).</translation>
    </message>
</context>
<context>
    <name>EmailSendDialog</name>
    <message>
        <source>Send an e-mail</source>
        <extracomment>The template used to read the funnel while the one typed cannot be compiled.</extracomment>
        <translation>Envoyer un e-mail</translation>
    </message>
    <message>
        <source>Template name</source>
        <translation>Nom du modèle</translation>
    </message>
    <message>
        <source>Marketing (unsubscribe line added)</source>
        <translation>Marketing (ligne de désinscription ajoutée)</translation>
    </message>
    <message>
        <source>Service (appointment, vehicle ready, work needed)</source>
        <translation>Service (rendez-vous, véhicule prêt, travaux à prévoir)</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Objet</translation>
    </message>
    <message>
        <source>«Formule d&apos;appel», … (merge fields: the Merge field button)</source>
        <translation>«Formule d’appel», … (champs de fusion&#xa0;: bouton Champ de fusion)</translation>
    </message>
    <message>
        <source>&lt;p&gt;«Formule d&apos;appel»,&lt;/p&gt; …</source>
        <translation>&lt;p&gt;«Formule d’appel»,&lt;/p&gt; …</translation>
    </message>
    <message>
        <source>The e-mail in HTML. Merge fields: {marque} or «Formule d&apos;appel»; they are replaced in the text and in links, never in &lt;style&gt;.</source>
        <translation>L’e-mail en HTML. Champs de fusion&#xa0;: {marque} ou «Formule d’appel»&#xa0;; ils sont remplacés dans le texte et dans les liens, jamais dans &lt;style&gt;.</translation>
    </message>
    <message>
        <source>Bold</source>
        <translation type="vanished">Gras</translation>
    </message>
    <message>
        <source>Italic</source>
        <translation type="vanished">Italique</translation>
    </message>
    <message>
        <source>Link…</source>
        <translation type="vanished">Lien…</translation>
    </message>
    <message>
        <source>Paragraph</source>
        <translation type="vanished">Paragraphe</translation>
    </message>
    <message>
        <source>Insert a merge field</source>
        <translation type="vanished">Insérer un champ de fusion</translation>
    </message>
    <message>
        <source>Merge field</source>
        <translation>Champ de fusion</translation>
    </message>
    <message>
        <source>Insert a merge field where you are typing (subject or body)</source>
        <translation>Insérer un champ de fusion là où vous écrivez (objet ou corps du message)</translation>
    </message>
    <message>
        <source>Import .html…</source>
        <translation>Importer un .html…</translation>
    </message>
    <message>
        <source>Save template</source>
        <translation>Enregistrer le modèle</translation>
    </message>
    <message>
        <source>Delete template</source>
        <translation>Supprimer le modèle</translation>
    </message>
    <message>
        <source>A required merge field is empty for these customers (e.g. «Modèle» without a vehicle, or a site&apos;s booking link not filled in): their e-mail would read “Merci d’avoir confié votre  à notre atelier”. «Civilité» and «Prénom» may be empty, except in a link; «Nom» is the company name for a company.</source>
        <translation>Un champ de fusion obligatoire est vide pour ces clients (par exemple «Modèle» sans véhicule, ou le lien de réservation d’un site non renseigné) : leur e-mail dirait « Merci d’avoir confié votre  à notre atelier ». «Civilité» et «Prénom» peuvent être vides, sauf dans un lien ; «Nom» est la raison sociale pour une société.</translation>
    </message>
    <message>
        <source>Template:</source>
        <translation>Modèle&#xa0;:</translation>
    </message>
    <message>
        <source>Subject:</source>
        <translation>Objet&#xa0;:</translation>
    </message>
    <message>
        <source>As it will look</source>
        <translation>Tel qu’il s’affichera</translation>
    </message>
    <message>
        <source>Plain-text part</source>
        <translation>Partie texte brut</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Aperçu</translation>
    </message>
    <message>
        <source>Recipients</source>
        <translation>Destinataires</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Who gets it</source>
        <translation>Qui reçoit cet e-mail</translation>
    </message>
    <message>
        <source>Send now</source>
        <translation>Envoyer maintenant</translation>
    </message>
    <message>
        <source>Send on</source>
        <translation>Envoyer le</translation>
    </message>
    <message>
        <source>Campaign name (log and contact history)</source>
        <translation>Nom de la campagne (journal et historique des contacts)</translation>
    </message>
    <message>
        <source>Reading the recipients…</source>
        <translation>Lecture des destinataires…</translation>
    </message>
    <message>
        <source>Cancel sending</source>
        <translation>Arrêter l’envoi</translation>
    </message>
    <message>
        <source>Save as .eml files…</source>
        <translation>Enregistrer en fichiers .eml…</translation>
    </message>
    <message>
        <source>One file per customer in a folder, to send from Outlook or another mail program</source>
        <translation>Un fichier par client dans un dossier, à envoyer depuis Outlook ou une autre messagerie</translation>
    </message>
    <message>
        <source>Send…</source>
        <translation>Envoyer…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <source>Letter helpers</source>
        <translation>Aides du courrier</translation>
    </message>
    <message>
        <source>Cannot read the recipients: %1</source>
        <translation>Impossible de lire les destinataires&#xa0;: %1</translation>
    </message>
    <message>
        <source>Sent through Brevo (%1).</source>
        <translation>Envoyé par Brevo (%1).</translation>
    </message>
    <message>
        <source>Sent through %1, at most %2 a minute and %3 a day.</source>
        <translation>Envoyé par %1, au plus %2 par minute et %3 par jour.</translation>
    </message>
    <message>
        <source>No mail server is set: fill in the e-mail settings to send, or save .eml files.</source>
        <translation>Aucun serveur de messagerie n’est réglé&#xa0;: remplissez les paramètres e-mail pour envoyer, ou enregistrez des fichiers .eml.</translation>
    </message>
    <message>
        <source>Brevo&apos;s API cannot put an image inside the text: the logo arrives as an attachment. Send through the mail server, or use an image on the web (&lt;img src=&quot;https://…&quot;&gt; in the HTML view).</source>
        <translation>L’API de Brevo ne sait pas placer une image dans le texte&#xa0;: le logo arrive en pièce jointe. Envoyez par le serveur de messagerie, ou utilisez une image en ligne (&lt;img src=&quot;https://…&quot;&gt; dans l’onglet HTML).</translation>
    </message>
    <message>
        <source>Template saved.</source>
        <translation>Modèle enregistré.</translation>
    </message>
    <message>
        <source>Cannot save the template: %1</source>
        <translation>Impossible d’enregistrer le modèle&#xa0;: %1</translation>
    </message>
    <message>
        <source>Delete the template “%1”?</source>
        <translation>Supprimer le modèle «&#xa0;%1&#xa0;»&#xa0;?</translation>
    </message>
    <message>
        <source>Template deleted.</source>
        <translation>Modèle supprimé.</translation>
    </message>
    <message>
        <source>Cannot delete the template: %1</source>
        <translation>Impossible de supprimer le modèle&#xa0;: %1</translation>
    </message>
    <message>
        <source>Import an e-mail</source>
        <translation>Importer un e-mail</translation>
    </message>
    <message>
        <source>Web pages (*.html *.htm)</source>
        <translation>Pages web (*.html *.htm)</translation>
    </message>
    <message>
        <source>Cannot read the file: %1</source>
        <translation>Impossible de lire le fichier&#xa0;: %1</translation>
    </message>
    <message>
        <source>Link</source>
        <translation type="vanished">Lien</translation>
    </message>
    <message>
        <source>Address (https://… or mailto:…):</source>
        <translation type="vanished">Adresse (https://… ou mailto:…)&#xa0;:</translation>
    </message>
    <message>
        <source>Write the e-mail or choose a template.</source>
        <translation>Écrivez l’e-mail ou choisissez un modèle.</translation>
    </message>
    <message>
        <source>Send them anyway: %1 e-mails with an empty merge field</source>
        <translation>Les envoyer quand même : %1 e-mails avec un champ de fusion vide</translation>
    </message>
    <message>
        <source>No preview: %1</source>
        <translation>Pas d’aperçu&#xa0;: %1</translation>
    </message>
    <message>
        <source>Nobody gets this e-mail.</source>
        <translation>Personne ne reçoit cet e-mail.</translation>
    </message>
    <message>
        <source>Subject: %1</source>
        <translation>Objet&#xa0;: %1</translation>
    </message>
    <message>
        <source>To: %1</source>
        <translation>À&#xa0;: %1</translation>
    </message>
    <message>
        <source>… and %1 more</source>
        <translation>… et %1 de plus</translation>
    </message>
    <message>
        <source>You are about to send %1 e-mails: “%2”.</source>
        <translation>Vous allez envoyer %1 e-mails&#xa0;: «&#xa0;%2&#xa0;».</translation>
    </message>
    <message>
        <source>They will leave on %1.</source>
        <translation>Ils partiront le %1.</translation>
    </message>
    <message>
        <source>Wait: the recipients are being read.</source>
        <translation>Patientez&#xa0;: les destinataires sont en cours de lecture.</translation>
    </message>
    <message>
        <source>Cannot read the e-mail log: %1</source>
        <translation>Impossible de lire le journal des e-mails&#xa0;: %1</translation>
    </message>
    <message>
        <source>E-mails still waiting</source>
        <translation>E-mails encore en attente</translation>
    </message>
    <message>
        <source>Send them, cancel them, or leave them (sent later, while Cible is open)?</source>
        <translation>Les envoyer, les annuler ou les laisser (envoyés plus tard, tant que Cible est ouvert)&#xa0;?</translation>
    </message>
    <message>
        <source>Send e-mails</source>
        <translation>Envoyer des e-mails</translation>
    </message>
    <message>
        <source>Continue?</source>
        <translation>Continuer&#xa0;?</translation>
    </message>
    <message>
        <source>%1 e-mails are sent with an empty merge field.</source>
        <translation>%1 e-mails sont envoyés avec un champ de fusion vide.</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>Envoi…</translation>
    </message>
    <message>
        <source>Sending… %1 of %2</source>
        <translation>Envoi… %1 sur %2</translation>
    </message>
    <message>
        <source>%1 sent</source>
        <translation>%1 envoyé(s)</translation>
    </message>
    <message>
        <source>%1 waiting for their time</source>
        <translation>%1 en attente de leur heure</translation>
    </message>
    <message>
        <source>%1 failed</source>
        <translation>%1 en échec</translation>
    </message>
    <message>
        <source>%1 unknown (maybe delivered, never sent again)</source>
        <translation>%1 inconnu(s) (peut-être remis, jamais renvoyés)</translation>
    </message>
    <message>
        <source>%1 not sent (refusal recorded since)</source>
        <translation>%1 non envoyé(s) (refus enregistré depuis)</translation>
    </message>
    <message>
        <source>E-mail sending finished: %1.</source>
        <translation>Envoi des e-mails terminé&#xa0;: %1.</translation>
    </message>
    <message>
        <source>Earlier sends: %1 sent.</source>
        <translation>Envois précédents&#xa0;: %1 envoyés.</translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation>%1 en échec&#xa0;: %2</translation>
    </message>
    <message>
        <source>Sending cancelled: %1 e-mails not sent (see the e-mail log).</source>
        <translation>Envoi arrêté&#xa0;: %1 e-mails non envoyés (voir le journal des e-mails).</translation>
    </message>
    <message>
        <source>The e-mails were not sent: %1</source>
        <translation>Les e-mails n’ont pas été envoyés&#xa0;: %1</translation>
    </message>
    <message>
        <source>Folder for the .eml files</source>
        <translation>Dossier des fichiers .eml</translation>
    </message>
    <message>
        <source>Writing the .eml files…</source>
        <translation>Écriture des fichiers .eml…</translation>
    </message>
    <message>
        <source>The .eml files were not written: %1</source>
        <translation>Les fichiers .eml n’ont pas été écrits&#xa0;: %1</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Arrêté.</translation>
    </message>
    <message>
        <source>%1 .eml files written: open them in Outlook (or another mail program) to send them.</source>
        <translation>%1 fichiers .eml écrits&#xa0;: ouvrez-les dans Outlook (ou une autre messagerie) pour les envoyer.</translation>
    </message>
</context>
<context>
    <name>EmailSettingsDialog</name>
    <message>
        <source>E-mail settings</source>
        <translation>Paramètres e-mail</translation>
    </message>
    <message>
        <source>Sending</source>
        <translation>Envoi</translation>
    </message>
    <message>
        <source>Sender</source>
        <translation>Expéditeur</translation>
    </message>
    <message>
        <source>Mailbox</source>
        <translation>Boîte aux lettres</translation>
    </message>
    <message>
        <source>Your e-mail address</source>
        <translation>Votre adresse e-mail</translation>
    </message>
    <message>
        <source>Send a test e-mail to me</source>
        <translation>M’envoyer un e-mail de test</translation>
    </message>
    <message>
        <source>Sends one short e-mail with the settings as they are in this window</source>
        <translation>Envoie un court e-mail avec les paramètres tels qu’ils sont dans cette fenêtre</translation>
    </message>
    <message>
        <source>The dealership&apos;s mail server (SMTP)</source>
        <translation>Le serveur de messagerie de la concession (SMTP)</translation>
    </message>
    <message>
        <source>Brevo, a sending service (for large sends)</source>
        <translation>Brevo, un service d’envoi (pour les gros envois)</translation>
    </message>
    <message>
        <source>Mail server</source>
        <translation>Serveur de messagerie</translation>
    </message>
    <message>
        <source>STARTTLS</source>
        <translation>STARTTLS</translation>
    </message>
    <message>
        <source>SSL/TLS</source>
        <translation>SSL/TLS</translation>
    </message>
    <message>
        <source>None (local server only)</source>
        <translation>Aucune (serveur local seulement)</translation>
    </message>
    <message>
        <source>kept in the system keyring; empty: unchanged</source>
        <translation>gardé dans le trousseau du système&#xa0;; vide&#xa0;: inchangé</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>Fournisseur</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Serveur</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Port</translation>
    </message>
    <message>
        <source>Security</source>
        <translation>Sécurité</translation>
    </message>
    <message>
        <source>Login</source>
        <translation>Identifiant</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Mot de passe</translation>
    </message>
    <message>
        <source>Brevo</source>
        <translation>Brevo</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>Clé d’API</translation>
    </message>
    <message>
        <source>API address</source>
        <translation>Adresse de l’API</translation>
    </message>
    <message>
        <source>Brevo handles one-click unsubscribes and bounces; “Check the mailbox now” in the e-mail log brings them back into Cible&apos;s refusals.</source>
        <translation>Brevo gère les désinscriptions en un clic et les retours&#xa0;; «&#xa0;Relever la boîte aux lettres&#xa0;» dans le journal des e-mails les ramène dans les refus de Cible.</translation>
    </message>
    <message>
        <source>Limits</source>
        <translation>Limites</translation>
    </message>
    <message>
        <source> a minute</source>
        <translation> par minute</translation>
    </message>
    <message>
        <source> a day</source>
        <translation> par jour</translation>
    </message>
    <message>
        <source> KB</source>
        <translation> Ko</translation>
    </message>
    <message>
        <source>no such rule</source>
        <translation>pas de règle</translation>
    </message>
    <message>
        <source> days</source>
        <translation> jours</translation>
    </message>
    <message>
        <source>At most</source>
        <translation>Au plus</translation>
    </message>
    <message>
        <source>and</source>
        <translation>et</translation>
    </message>
    <message>
        <source>Largest e-mail</source>
        <translation>E-mail le plus lourd</translation>
    </message>
    <message>
        <source>Skip marketing e-mails to customers e-mailed in the last</source>
        <translation>Ne pas envoyer d’e-mail marketing aux clients qui en ont reçu un dans les derniers</translation>
    </message>
    <message>
        <source>All sites (default)</source>
        <translation>Tous les sites (par défaut)</translation>
    </message>
    <message>
        <source>This site has its own sender</source>
        <translation>Ce site a son propre expéditeur</translation>
    </message>
    <message>
        <source>the sender&apos;s address</source>
        <translation>l’adresse de l’expéditeur</translation>
    </message>
    <message>
        <source>An HTTPS page of the site that records one-click unsubscribes (?t=TOKEN)</source>
        <translation>Une page HTTPS du site qui enregistre les désinscriptions en un clic (?t=JETON)</translation>
    </message>
    <message>
        <source>Added at the end of every e-mail of this site</source>
        <translation>Ajoutée à la fin de chaque e-mail de ce site</translation>
    </message>
    <message>
        <source>HTML added at the end of every e-mail</source>
        <translation>HTML ajouté à la fin de chaque e-mail</translation>
    </message>
    <message>
        <source>Site</source>
        <translation>Site</translation>
    </message>
    <message>
        <source>Sender name</source>
        <translation>Nom de l’expéditeur</translation>
    </message>
    <message>
        <source>Sender address</source>
        <translation>Adresse de l’expéditeur</translation>
    </message>
    <message>
        <source>Reply-To</source>
        <translation>Adresse de réponse (Reply-To)</translation>
    </message>
    <message>
        <source>Unsubscribe address</source>
        <translation>Adresse de désinscription</translation>
    </message>
    <message>
        <source>One-click unsubscribe page</source>
        <translation>Page de désinscription en un clic</translation>
    </message>
    <message>
        <source>Postal address (footer)</source>
        <translation>Adresse postale (pied de page)</translation>
    </message>
    <message>
        <source>Signature</source>
        <translation>Signature</translation>
    </message>
    <message>
        <source>the mail server</source>
        <translation>le serveur de messagerie</translation>
    </message>
    <message>
        <source>Cible reads the unread messages of this mailbox (IMAP, with the login above): unsubscribe requests set the customer&apos;s e-mail refusal, bounces mark the address invalid. Other messages stay unread.</source>
        <translation>Cible lit les messages non lus de cette boîte (IMAP, avec l’identifiant ci-dessus)&#xa0;: les demandes de désinscription enregistrent le refus e-mail du client, les retours marquent l’adresse comme invalide. Les autres messages restent non lus.</translation>
    </message>
    <message>
        <source>IMAP server</source>
        <translation>Serveur IMAP</translation>
    </message>
    <message>
        <source>Published limits, filled in as editable defaults.</source>
        <translation>Limites publiées, proposées comme valeurs modifiables.</translation>
    </message>
    <message>
        <source>Sending the test e-mail…</source>
        <translation>Envoi de l’e-mail de test…</translation>
    </message>
    <message>
        <source>Test e-mail sent to %1: check that it arrived (and not among the spam).</source>
        <translation>E-mail de test envoyé à %1&#xa0;: vérifiez qu’il est arrivé (et pas dans les indésirables).</translation>
    </message>
</context>
<context>
    <name>_VisualEdit</name>
    <message>
        <source>the pasted image</source>
        <translation type="vanished">l’image collée</translation>
    </message>
    <message>
        <source>clipboard.png</source>
        <translation>presse-papiers.png</translation>
    </message>
</context>
</TS>
