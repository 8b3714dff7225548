<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr" sourcelanguage="en">
<context>
    <name>SmsLogWindow</name>
    <message>
        <source>Sent SMS</source>
        <translation>SMS envoyés</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>Tous les statuts</translation>
    </message>
    <message>
        <source>Customer or number</source>
        <translation>Client ou numéro</translation>
    </message>
    <message>
        <source>All campaigns</source>
        <translation>Toutes les campagnes</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Du</translation>
    </message>
    <message>
        <source>to</source>
        <translation>au</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Actualiser</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>Exporter en CSV…</translation>
    </message>
    <message>
        <source>Import a delivery report…</source>
        <translation>Importer un rapport de distribution…</translation>
    </message>
    <message>
        <source>The provider&apos;s report file: delivery statuses and STOP replies</source>
        <translation>Le fichier de rapport du prestataire&#xa0;: statuts de distribution et réponses STOP</translation>
    </message>
    <message>
        <source>Send pending SMS now</source>
        <translation>Envoyer les SMS en attente</translation>
    </message>
    <message>
        <source>Send the SMS whose time has come and read the delivery statuses</source>
        <translation>Envoyer les SMS dont l’heure est venue et relever les statuts de distribution</translation>
    </message>
    <message>
        <source>Cancel this send…</source>
        <translation>Annuler cet envoi…</translation>
    </message>
    <message>
        <source>Cancel the messages of the selected send that have not left yet</source>
        <translation>Annuler les messages de l’envoi sélectionné qui ne sont pas encore partis</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Messages</translation>
    </message>
    <message>
        <source>Replies</source>
        <translation>Réponses</translation>
    </message>
    <message>
        <source>Show them</source>
        <translation>Les afficher</translation>
    </message>
    <message>
        <source>Ask the provider</source>
        <translation>Interroger le prestataire</translation>
    </message>
    <message>
        <source>Ask the provider, by Cible&apos;s reference, whether it has these messages (possible when the SMS settings have a lookup URL)</source>
        <translation>Demander au prestataire, par la référence de Cible, s’il a ces messages (possible quand les paramètres SMS ont une URL de recherche)</translation>
    </message>
    <message>
        <source>Mark as sent…</source>
        <translation>Marquer comme envoyés…</translation>
    </message>
    <message>
        <source>The provider&apos;s portal shows them, or the customer got them</source>
        <translation>Le portail du prestataire les montre, ou le client les a reçus</translation>
    </message>
    <message>
        <source>Mark as not sent…</source>
        <translation>Marquer comme non envoyés…</translation>
    </message>
    <message>
        <source>The provider&apos;s portal does not have them: they will not be sent</source>
        <translation>Le portail du prestataire ne les a pas : ils ne seront pas envoyés</translation>
    </message>
    <message>
        <source>Send again…</source>
        <translation>Renvoyer…</translation>
    </message>
    <message>
        <source>Send them with the next pending SMS: the customer may get them twice</source>
        <translation>Les envoyer avec les prochains SMS en attente : le client peut les recevoir deux fois</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Reçue le</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Téléphone</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Client</translation>
    </message>
    <message>
        <source>Reply</source>
        <translation>Réponse</translation>
    </message>
    <message>
        <source>In answer to</source>
        <translation>En réponse à</translation>
    </message>
    <message>
        <source>Show the replies already read</source>
        <translation>Afficher les réponses déjà lues</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>Ouvrir…</translation>
    </message>
    <message>
        <source>Mark as read</source>
        <translation>Marquer comme lue</translation>
    </message>
    <message>
        <source>Replies that are not an opt-out. STOP and the like put the number on the suppression list at once and are not listed here.</source>
        <translation>Les réponses qui ne sont pas une opposition. STOP et équivalents mettent aussitôt le numéro sur la liste d’opposition et n’apparaissent pas ici.</translation>
    </message>
    <message>
        <source>any date</source>
        <translation>toute date</translation>
    </message>
    <message>
        <source>%1 messages</source>
        <translation>Messages&#xa0;: %1</translation>
    </message>
    <message>
        <source>(the latest %1 shown)</source>
        <translation>(les %1 plus récents sont affichés)</translation>
    </message>
    <message>
        <source>Cannot read the SMS log: %1</source>
        <translation>Impossible de lire le journal des SMS&#xa0;: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) with an unknown outcome: the provider took them and no answer came back, so they may have gone. Cible never sends them again on its own: select them, then decide.</source>
        <translation>
            <numerusform>%n message à l’issue inconnue : le prestataire l’a pris sans jamais répondre, il est peut-être parti. Cible ne le renvoie jamais de lui-même : sélectionnez-le, puis décidez.</numerusform>
            <numerusform>%n messages à l’issue inconnue : le prestataire les a pris sans jamais répondre, ils sont peut-être partis. Cible ne les renvoie jamais de lui-même : sélectionnez-les, puis décidez.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 du %2</translation>
    </message>
    <message>
        <source>Replies (%1 unread)</source>
        <translation>Réponses (%1 non lues)</translation>
    </message>
    <message>
        <source>Your provider cannot be asked about a message (%1): check its portal, then mark the messages as sent or not sent.</source>
        <translation>Votre fournisseur ne peut pas être interrogé sur un message (%1) : vérifiez son portail, puis marquez les messages comme envoyés ou non envoyés.</translation>
    </message>
    <message>
        <source>Your provider cannot be asked about a message by its reference (no lookup URL in the SMS settings): check its portal, then mark the messages as sent or not sent.</source>
        <translation type="vanished">Votre prestataire ne peut pas être interrogé sur un message par sa référence (pas d’URL de recherche dans les paramètres SMS) : consultez son portail, puis marquez les messages comme envoyés ou non envoyés.</translation>
    </message>
    <message>
        <source>The provider was asked: %1 messages settled.</source>
        <translation>Prestataire interrogé : %1 messages réglés.</translation>
    </message>
    <message>
        <source>Record %1 messages as sent? Do it when the provider&apos;s portal shows them or the customers got them: they go into the contact history.</source>
        <translation>Enregistrer %1 messages comme envoyés ? À faire quand le portail du prestataire les montre ou que les clients les ont reçus : ils entrent dans l’historique des contacts.</translation>
    </message>
    <message>
        <source>Record %1 messages as not sent? Do it when the provider&apos;s portal does not have them. They will not be sent; use “Send again…” to send them.</source>
        <translation>Enregistrer %1 messages comme non envoyés ? À faire quand le portail du prestataire ne les a pas. Ils ne seront pas envoyés ; utilisez « Renvoyer… » pour les envoyer.</translation>
    </message>
    <message>
        <source>%1 messages recorded as sent.</source>
        <translation>%1 messages enregistrés comme envoyés.</translation>
    </message>
    <message>
        <source>%1 messages recorded as not sent.</source>
        <translation>%1 messages enregistrés comme non envoyés.</translation>
    </message>
    <message>
        <source>Send %1 messages again? If the provider did take them, these customers get the SMS twice: check the provider&apos;s portal first. They leave with the next pending SMS (“Send pending SMS now”), refusals and the send window checked again.</source>
        <translation>Renvoyer %1 messages ? Si le prestataire les a bien pris, ces clients recevront le SMS deux fois : vérifiez d’abord sur son portail. Ils partiront avec les prochains SMS en attente (« Envoyer les SMS en attente »), refus et plage d’envoi vérifiés à nouveau.</translation>
    </message>
    <message>
        <source>%1 messages will be sent again with the pending SMS.</source>
        <translation>%1 messages seront renvoyés avec les SMS en attente.</translation>
    </message>
    <message>
        <source>Reply from %1</source>
        <translation>Réponse du %1</translation>
    </message>
    <message>
        <source>a number Cible has not written to</source>
        <translation>un numéro auquel Cible n’a pas écrit</translation>
    </message>
    <message>
        <source>From %1 (%2), received %3.</source>
        <translation>De %1 (%2), reçue le %3.</translation>
    </message>
    <message>
        <source>In answer to “%1” (%2):</source>
        <translation>En réponse à « %1 » (%2) :</translation>
    </message>
    <message>
        <source>%1 replies marked as read.</source>
        <translation>%1 réponses marquées comme lues.</translation>
    </message>
    <message>
        <source>Cancel the messages of the send “%1” that have not left yet?</source>
        <translation>Annuler les messages de l’envoi «&#xa0;%1&#xa0;» qui ne sont pas encore partis&#xa0;?</translation>
    </message>
    <message>
        <source>%1 messages cancelled.</source>
        <translation>Messages annulés&#xa0;: %1.</translation>
    </message>
    <message>
        <source>Export the SMS log</source>
        <translation>Exporter le journal des SMS</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>Fichiers CSV (*.csv)</translation>
    </message>
    <message>
        <source>%1 messages written to %2</source>
        <translation>Messages écrits dans %2&#xa0;: %1</translation>
    </message>
    <message>
        <source>Delivery report</source>
        <translation>Rapport de distribution</translation>
    </message>
    <message>
        <source>CSV files (*.csv *.txt)</source>
        <translation>Fichiers CSV (*.csv *.txt)</translation>
    </message>
    <message>
        <source>Report imported: %1 statuses updated, %2 STOP</source>
        <translation>Rapport importé (statuts mis à jour&#xa0;: %1, STOP&#xa0;: %2)</translation>
    </message>
    <message>
        <source>%1 sent, %2 written to the outbox file, %3 failed, %4 cancelled.</source>
        <translation>Envoyés&#xa0;: %1, écrits dans le fichier d’envoi&#xa0;: %2, en échec&#xa0;: %3, annulés&#xa0;: %4.</translation>
    </message>
    <message>
        <source>%1 wait for the send window.</source>
        <translation>En attente de la plage d’envoi&#xa0;: %1.</translation>
    </message>
    <message>
        <source>Statuses: %1 updated, %2 STOP.</source>
        <translation>Statuts mis à jour&#xa0;: %1, STOP&#xa0;: %2.</translation>
    </message>
</context>
<context>
    <name>SmsSendDialog</name>
    <message>
        <source>Send an SMS</source>
        <translation>Envoyer un SMS</translation>
    </message>
    <message>
        <source>Template name</source>
        <translation>Nom du modèle</translation>
    </message>
    <message>
        <source>Marketing</source>
        <translation>Marketing</translation>
    </message>
    <message>
        <source>Service (appointment, vehicle ready, work needed)</source>
        <translation>Service (rendez-vous, véhicule prêt, travaux à prévoir)</translation>
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
        <source>Insert a merge field…</source>
        <translation>Insérer un champ de fusion…</translation>
    </message>
    <message>
        <source>Bonjour {civilité} {nom}, …</source>
        <translation>Bonjour {civilité} {nom}, …</translation>
    </message>
    <message>
        <source>Values for everyone</source>
        <translation>Valeurs communes à tous</translation>
    </message>
    <message>
        <source>A required merge field is empty for these customers (e.g. {modèle} without a vehicle): their message would read “Votre  est prêt”. {civilité} and {prénom} may be empty; {nom} is the company name for a company.</source>
        <translation>Un champ de fusion obligatoire est vide pour ces clients (par ex. {modèle} sans véhicule) : leur message serait « Votre  est prêt ». {civilité} et {prénom} peuvent être vides ; {nom} est la raison sociale pour une société.</translation>
    </message>
    <message>
        <source>Template:</source>
        <translation>Modèle&#xa0;:</translation>
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
        <translation>Qui reçoit ce SMS</translation>
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
        <source>Send…</source>
        <translation>Envoyer…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <source>Cannot read the recipients: %1</source>
        <translation>Impossible de lire les destinataires&#xa0;: %1</translation>
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
        <source>Write the message or choose a template.</source>
        <translation>Rédigez le message ou choisissez un modèle.</translation>
    </message>
    <message>
        <source>No preview: %1</source>
        <translation>Pas d’aperçu : %1</translation>
    </message>
    <message>
        <source>Longest message: %1 characters, %2, %3 segment(s) (%4)</source>
        <translation>Message le plus long&#xa0;: %1 caractères, %2, %3 segment(s) (%4)</translation>
    </message>
    <message>
        <source>%1 characters, %2, %3 segment(s)</source>
        <translation>%1 caractères, %2, %3 segment(s)</translation>
    </message>
    <message>
        <source>%1 SMS, %2 segments, estimated cost %3</source>
        <translation>%1 SMS, %2 segments, coût estimé %3</translation>
    </message>
    <message>
        <source>Nobody in this target can receive this SMS.</source>
        <translation>Personne dans cette cible ne peut recevoir ce SMS.</translation>
    </message>
    <message>
        <source>Also send the %1 messages with an empty merge field</source>
        <translation>Envoyer aussi les %1 messages avec un champ de fusion vide</translation>
    </message>
    <message>
        <source>GSM-7: 160 characters per SMS, 153 per segment.</source>
        <translation>Encodage GSM-7&#xa0;: 160 caractères par SMS, 153 par segment.</translation>
    </message>
    <message>
        <source>“%1” forces UCS-2: 70 characters per SMS (67 per segment) instead of 160.</source>
        <translation>«&#xa0;%1&#xa0;» impose l’encodage UCS-2&#xa0;: 70 caractères par SMS (67 par segment) au lieu de 160.</translation>
    </message>
    <message>
        <source>It comes from the customers&apos; data, not from the message.</source>
        <translation>Ce caractère vient des données des clients, pas du message.</translation>
    </message>
    <message>
        <source>UCS-2 for %1 of the %2 messages.</source>
        <translation>UCS-2 pour %1 des %2 messages.</translation>
    </message>
    <message>
        <source>Replace “%1” with “%2”</source>
        <translation>Remplacer «&#xa0;%1&#xa0;» par «&#xa0;%2&#xa0;»</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1&#xa0;: %2</translation>
    </message>
    <message>
        <source>Outside the marketing send window; these messages will wait until (this computer&apos;s time): %1</source>
        <translation>Hors de la plage d’envoi marketing&#xa0;; ces messages attendront l’ouverture de la plage (heure de cet ordinateur)&#xa0;: %1</translation>
    </message>
    <message>
        <source>… and %1 more</source>
        <translation>… et %1 autres</translation>
    </message>
    <message>
        <source>Not sent: %1</source>
        <translation>Non envoyé : %1</translation>
    </message>
    <message>
        <source>with “%1”, added by the provider</source>
        <translation>avec « %1 », ajouté par le fournisseur</translation>
    </message>
    <message>
        <source>You are about to send %1 SMS (%2 segments, estimated cost %3).</source>
        <translation>Vous allez envoyer %1 SMS (%2 segments, coût estimé %3).</translation>
    </message>
    <message>
        <source>Message:</source>
        <translation>Message&#xa0;:</translation>
    </message>
    <message>
        <source>%1 messages are sent with an empty merge field.</source>
        <translation>%1 messages partent avec un champ de fusion vide.</translation>
    </message>
    <message>
        <source>Cannot read the SMS log: %1</source>
        <translation>Impossible de lire le journal des SMS : %1</translation>
    </message>
    <message>
        <source>SMS still waiting</source>
        <translation>SMS encore en attente</translation>
    </message>
    <message>
        <source>Send them, cancel them, or leave them (send-pending sends them later)?</source>
        <translation>Les envoyer, les annuler ou les laisser (send-pending les enverra plus tard) ?</translation>
    </message>
    <message>
        <source>Send them</source>
        <translation type="vanished">Les envoyer</translation>
    </message>
    <message>
        <source>Cancel them</source>
        <translation type="vanished">Les annuler</translation>
    </message>
    <message>
        <source>Leave them</source>
        <translation type="vanished">Les laisser</translation>
    </message>
    <message>
        <source>Send SMS</source>
        <translation>Envoyer des SMS</translation>
    </message>
    <message>
        <source>Continue?</source>
        <translation>Continuer&#xa0;?</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>Envoi en cours…</translation>
    </message>
    <message>
        <source>Sending… %1 of %2</source>
        <translation>Envoi en cours… %1 sur %2</translation>
    </message>
    <message>
        <source>Outbox file (click to open its folder): %1</source>
        <translation>Fichier d’envoi (cliquez pour ouvrir son dossier)&#xa0;: %1</translation>
    </message>
    <message>
        <source>Upload it to your SMS provider&apos;s portal, then import its report file in the SMS log (Import a delivery report…).</source>
        <translation>Déposez-le sur le portail de votre prestataire SMS, puis importez son fichier de rapport dans le journal des SMS (Importer un rapport de distribution…).</translation>
    </message>
    <message>
        <source>%1 sent</source>
        <translation>envoyés&#xa0;: %1</translation>
    </message>
    <message>
        <source>%1 written to the outbox file</source>
        <translation>écrits dans le fichier d’envoi&#xa0;: %1</translation>
    </message>
    <message>
        <source>%1 waiting for their time</source>
        <translation>en attente de leur heure&#xa0;: %1</translation>
    </message>
    <message>
        <source>%1 failed</source>
        <translation>en échec&#xa0;: %1</translation>
    </message>
    <message>
        <source>%1 not sent (refusal recorded since)</source>
        <translation>non envoyés (refus enregistré entre-temps)&#xa0;: %1</translation>
    </message>
    <message>
        <source>SMS sending finished: %1.</source>
        <translation>Envoi des SMS terminé — %1.</translation>
    </message>
    <message>
        <source>Sending cancelled: %1 messages not sent (see the SMS log).</source>
        <translation>Envoi arrêté&#xa0;; messages non envoyés&#xa0;: %1 (voir le journal des SMS).</translation>
    </message>
    <message>
        <source>The SMS were not sent: %1</source>
        <translation>Les SMS n’ont pas été envoyés&#xa0;: %1</translation>
    </message>
</context>
<context>
    <name>SmsSettingsDialog</name>
    <message>
        <source>SMS settings</source>
        <extracomment>The outcome of &quot;Send a test SMS to my number&quot;, as shown. Typed values of each provider preset (kept when another one is chosen).</extracomment>
        <translation>Paramètres SMS</translation>
    </message>
    <message>
        <source>General</source>
        <translation>Général</translation>
    </message>
    <message>
        <source>Gateway</source>
        <translation>Passerelle</translation>
    </message>
    <message>
        <source>Send windows</source>
        <translation>Plages d’envoi</translation>
    </message>
    <message>
        <source>Required for marketing SMS</source>
        <translation>Obligatoire pour les SMS marketing</translation>
    </message>
    <message>
        <source>Up to 11 letters or digits (what the phone shows as the sender)</source>
        <translation>11 lettres ou chiffres au plus (ce que le téléphone affiche comme expéditeur)</translation>
    </message>
    <message>
        <source>Added to marketing messages that lack it; it counts in the length</source>
        <translation type="vanished">Ajoutée aux messages marketing qui ne la contiennent pas&#xa0;; elle compte dans la longueur</translation>
    </message>
    <message>
        <source>Added to marketing messages that lack it; it counts in the length. Your provider gives it, e.g. “STOP au 36111”.</source>
        <translation>Ajoutée aux messages marketing qui ne l’ont pas&#xa0;; elle compte dans la longueur. Votre prestataire vous la donne, par exemple «&#xa0;STOP au 36111&#xa0;».</translation>
    </message>
    <message>
        <source>In euros, e.g. 0.045</source>
        <translation>En euros, par exemple 0,045</translation>
    </message>
    <message>
        <source>no such rule</source>
        <translation>règle désactivée</translation>
    </message>
    <message>
        <source> days</source>
        <translation> jours</translation>
    </message>
    <message>
        <source>Sender name</source>
        <translation>Nom de l’expéditeur</translation>
    </message>
    <message>
        <source>Opt-out mention</source>
        <translation>Mention STOP</translation>
    </message>
    <message>
        <source>Price per segment (€)</source>
        <translation>Prix par segment (€)</translation>
    </message>
    <message>
        <source>Skip marketing SMS to customers texted in the last</source>
        <translation>Pas de SMS marketing aux clients ayant reçu un SMS depuis</translation>
    </message>
    <message>
        <source>A longer message is refused before sending: each segment is billed. One segment is 160 characters (153 each when there are several), 70 with an accent such as ê (67).</source>
        <translation>Un message plus long est refusé avant l’envoi : chaque segment est facturé. Un segment fait 160 caractères (153 chacun quand il y en a plusieurs), 70 avec un accent comme ê (67).</translation>
    </message>
    <message>
        <source>Maximum segments per SMS</source>
        <translation>Segments au plus par SMS</translation>
    </message>
    <message>
        <source>Replace the accents of names and data that would force UCS-2 (È → E)</source>
        <translation>Remplacer les accents des noms et des données qui imposeraient l’UCS-2 (È → E)</translation>
    </message>
    <message>
        <source>One such character halves the length of that SMS and can double its cost</source>
        <translation>Un seul de ces caractères réduit de moitié la longueur du SMS et peut en doubler le coût</translation>
    </message>
    <message>
        <source>Outbox file (upload to the provider&apos;s portal)</source>
        <translation>Fichier d’envoi (à déposer sur le portail du prestataire)</translation>
    </message>
    <message>
        <source>Provider&apos;s HTTP API</source>
        <translation type="vanished">API HTTP du prestataire</translation>
    </message>
    <message>
        <source>Default: sms-outbox next to the database</source>
        <translation>Par défaut&#xa0;: sms-outbox à côté de la base de données</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Parcourir…</translation>
    </message>
    <message>
        <source>Form fields</source>
        <translation>Champs de formulaire</translation>
    </message>
    <message>
        <source>API key as bearer token</source>
        <translation>Clé d’API en jeton Bearer</translation>
    </message>
    <message>
        <source>Account and password (basic)</source>
        <translation>Compte et mot de passe (Basic)</translation>
    </message>
    <message>
        <source>API key in a header</source>
        <translation>Clé d’API dans un en-tête</translation>
    </message>
    <message>
        <source>None</source>
        <translation>Aucune</translation>
    </message>
    <message>
        <source>Kept in the system keyring; leave empty to keep the current one</source>
        <translation>Gardé dans le trousseau du système&#xa0;; laisser vide pour conserver l’actuel</translation>
    </message>
    <message>
        <source>number</source>
        <translation>numéro</translation>
    </message>
    <message>
        <source>text</source>
        <translation>texte</translation>
    </message>
    <message>
        <source>sender</source>
        <translation>expéditeur</translation>
    </message>
    <message>
        <source>idempotency key</source>
        <translation>clé d’idempotence</translation>
    </message>
    <message>
        <source>Request field for the %1</source>
        <translation>Champ de la requête&#xa0;: %1</translation>
    </message>
    <message>
        <source> per second</source>
        <translation> par seconde</translation>
    </message>
    <message>
        <source>Outbox folder</source>
        <translation>Dossier d’envoi</translation>
    </message>
    <message>
        <source>A scheduled or waiting message that could not leave within this many days of its time (computer off…) is marked expired and never sent</source>
        <translation>Un message programmé ou en attente qui n’a pas pu partir dans ce nombre de jours après son heure (ordinateur éteint…) est marqué expiré et n’est jamais envoyé</translation>
    </message>
    <message>
        <source>Waiting messages expire after</source>
        <translation>Les messages en attente expirent après</translation>
    </message>
    <message>
        <source>Other provider: HTTP API to describe</source>
        <translation>Autre fournisseur : API HTTP à décrire</translation>
    </message>
    <message>
        <source>URL (HTTPS)</source>
        <translation>URL (HTTPS)</translation>
    </message>
    <message>
        <source>Request body</source>
        <translation>Corps de la requête</translation>
    </message>
    <message>
        <source>Authentication</source>
        <translation>Authentification</translation>
    </message>
    <message>
        <source>API key header</source>
        <translation>En-tête de la clé d’API</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Compte</translation>
    </message>
    <message>
        <source>API key or password</source>
        <translation>Clé d’API ou mot de passe</translation>
    </message>
    <message>
        <source>Field names</source>
        <translation>Noms des champs</translation>
    </message>
    <message>
        <source>Fixed fields (JSON)</source>
        <translation>Champs fixes (JSON)</translation>
    </message>
    <message>
        <source>Message id in the answer</source>
        <translation>Identifiant du message dans la réponse</translation>
    </message>
    <message>
        <source>Idempotency header</source>
        <translation>En-tête d’idempotence</translation>
    </message>
    <message>
        <source>Status URL</source>
        <translation>URL des statuts</translation>
    </message>
    <message>
        <source>Status field</source>
        <translation>Champ du statut</translation>
    </message>
    <message>
        <source>Delivered values</source>
        <translation>Valeurs «&#xa0;distribué&#xa0;»</translation>
    </message>
    <message>
        <source>Failed values</source>
        <translation>Valeurs «&#xa0;échec&#xa0;»</translation>
    </message>
    <message>
        <source>Replies URL (STOP)</source>
        <translation>URL des réponses (STOP)</translation>
    </message>
    <message>
        <source>Rate limit</source>
        <translation>Débit maximal</translation>
    </message>
    <message>
        <source>Retries</source>
        <translation>Nouvelles tentatives</translation>
    </message>
    <message>
        <source>Timeout</source>
        <translation>Délai d’attente</translation>
    </message>
    <message>
        <source>Your mobile number</source>
        <translation>Votre numéro de mobile</translation>
    </message>
    <message>
        <source>Send a test SMS to my number</source>
        <translation>Envoyer un SMS de test à mon numéro</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>facultatif</translation>
    </message>
    <message>
        <source>%1 Documentation followed: %2</source>
        <translation>%1 Documentation suivie : %2</translation>
    </message>
    <message>
        <source>Marketing SMS are sent only inside these hours (local time of each market); write HH:MM-HH:MM, or leave a day empty for no sending. Service messages are exempt. The public holidays are those of each site&apos;s canton or province when the site has one (its subdivision, e.g. CH-VD, CA-QC).</source>
        <translation>Les SMS marketing ne partent qu’à l’intérieur de ces plages (heure locale de chaque marché)&#xa0;; écrivez HH:MM-HH:MM, ou laissez un jour vide pour n’envoyer aucun SMS ce jour-là. Les messages de service ne sont pas concernés. Les jours fériés sont ceux du canton ou de la province de chaque site quand il en a un (sa subdivision, par exemple CH-VD, CA-QC).</translation>
    </message>
    <message>
        <source>Marketing SMS are sent only inside these hours (local time of each market); write HH:MM-HH:MM, or leave a day empty for no sending. Service messages are exempt.</source>
        <translation type="vanished">Les SMS marketing ne partent qu’à l’intérieur de ces plages (heure locale de chaque marché)&#xa0;; écrivez HH:MM-HH:MM, ou laissez un jour vide pour n’envoyer aucun SMS ce jour-là. Les messages de service ne sont pas concernés.</translation>
    </message>
    <message>
        <source>Mon</source>
        <translation>Lun</translation>
    </message>
    <message>
        <source>Tue</source>
        <translation>Mar</translation>
    </message>
    <message>
        <source>Wed</source>
        <translation>Mer</translation>
    </message>
    <message>
        <source>Thu</source>
        <translation>Jeu</translation>
    </message>
    <message>
        <source>Fri</source>
        <translation>Ven</translation>
    </message>
    <message>
        <source>Sat</source>
        <translation>Sam</translation>
    </message>
    <message>
        <source>Sun</source>
        <translation>Dim</translation>
    </message>
    <message>
        <source>No holidays</source>
        <translation>Sauf fériés</translation>
    </message>
    <message>
        <source>Fixed fields: not valid JSON (%1).</source>
        <translation>Champs fixes&#xa0;: JSON non valide (%1).</translation>
    </message>
    <message>
        <source>Fixed fields: write a JSON object, e.g. {&quot;type&quot;: &quot;sms&quot;}.</source>
        <translation>Champs fixes&#xa0;: écrivez un objet JSON, par exemple {&quot;type&quot;: &quot;sms&quot;}.</translation>
    </message>
    <message>
        <source>Send window %1, %2: write HH:MM-HH:MM, e.g. 08:00-21:30.</source>
        <translation>Plage d’envoi %1, %2&#xa0;: écrivez HH:MM-HH:MM, par exemple 08:00-21:30.</translation>
    </message>
    <message>
        <source>Type your mobile number first.</source>
        <translation>Saisissez d’abord votre numéro de mobile.</translation>
    </message>
    <message>
        <source>Test SMS accepted by %1 (message %2): check your phone.</source>
        <translation>SMS de test accepté par %1 (message %2) : regardez votre téléphone.</translation>
    </message>
    <message>
        <source>The test SMS was not accepted: %1</source>
        <translation>Le SMS de test n’a pas été accepté : %1</translation>
    </message>
    <message>
        <source>Sending a test SMS…</source>
        <translation>Envoi d’un SMS de test…</translation>
    </message>
</context>
</TS>
