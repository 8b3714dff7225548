<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr" sourcelanguage="en">
<context>
    <name>ExcelExportDialog</name>
    <message>
        <source>Export to Excel</source>
        <extracomment>The list of saved exports was (re)read and shown. The last export or refresh that completed (for callers and tests).</extracomment>
        <translation>Export vers Excel</translation>
    </message>
    <message>
        <source>(unsaved target)</source>
        <translation>(cible non enregistrée)</translation>
    </message>
    <message>
        <source>Target: %1</source>
        <translation>Cible&#xa0;: %1</translation>
    </message>
    <message>
        <source>New Excel export</source>
        <translation>Nouvel export Excel</translation>
    </message>
    <message>
        <source>Where to write the workbook (.xlsx)</source>
        <translation>Emplacement du classeur (.xlsx)</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Choisir…</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Fichier</translation>
    </message>
    <message>
        <source>To find this export again and refresh it</source>
        <translation>Pour retrouver cet export et l’actualiser</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Description</translation>
    </message>
    <message>
        <source>Meant for mailing: apply the postal permissions before writing</source>
        <translation>Destiné à un mailing&#xa0;: appliquer les autorisations courrier avant l’écriture</translation>
    </message>
    <message>
        <source>One per household (customers sharing an address)</source>
        <translation>Un par foyer (clients à la même adresse)</translation>
    </message>
    <message>
        <source>Leave out customers contacted in the last</source>
        <translation>Exclure les clients contactés depuis moins de</translation>
    </message>
    <message>
        <source> days</source>
        <translation> jours</translation>
    </message>
    <message>
        <source>Step</source>
        <translation type="vanished">Étape</translation>
    </message>
    <message>
        <source>Count</source>
        <translation type="vanished">Nombre</translation>
    </message>
    <message>
        <source>Open the workbook when it is written</source>
        <translation>Ouvrir le classeur une fois écrit</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exporter</translation>
    </message>
    <message>
        <source>Excel exports made from this target</source>
        <translation>Exports Excel de cette cible</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>Rows</source>
        <translation>Lignes</translation>
    </message>
    <message>
        <source>Open and refresh data</source>
        <translation>Ouvrir et actualiser les données</translation>
    </message>
    <message>
        <source>Run the target as it was exported again and replace the data sheet of the workbook; the sheets you added are kept.</source>
        <translation>Relancer la cible telle qu’elle était à l’export et remplacer la feuille de données du classeur&#xa0;; les feuilles que vous avez ajoutées sont conservées.</translation>
    </message>
    <message>
        <source>Export with the current target</source>
        <translation>Exporter avec la cible actuelle</translation>
    </message>
    <message>
        <source>Replace the data sheet of the workbook with the rows of the target as it is now; the sheets you added are kept.</source>
        <translation>Remplacer la feuille de données du classeur par les lignes de la cible actuelle&#xa0;; les feuilles que vous avez ajoutées sont conservées.</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Supprimer</translation>
    </message>
    <message>
        <source>Forget this export; the workbook stays on disk.</source>
        <translation>Oublier cet export&#xa0;; le classeur reste sur le disque.</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Classeur Excel (*.xlsx)</translation>
    </message>
    <message>
        <source>Choose where to write the workbook.</source>
        <translation>Choisissez l’emplacement du classeur.</translation>
    </message>
    <message>
        <source>%1 is a folder.</source>
        <translation>%1 est un dossier.</translation>
    </message>
    <message>
        <source>The folder %1 does not exist.</source>
        <translation>Le dossier %1 n’existe pas.</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>Comptage en cours…</translation>
    </message>
    <message>
        <source>%1 left out at this step</source>
        <translation type="vanished">%1 exclus à cette étape</translation>
    </message>
    <message>
        <source>%1 customers will be in the workbook (refusals are checked again when it is written).</source>
        <translation>%1 clients seront dans le classeur (les refus sont revérifiés au moment de l’écriture).</translation>
    </message>
    <message>
        <source>Cannot count: %1</source>
        <translation>Comptage impossible&#xa0;: %1</translation>
    </message>
    <message>
        <source>An Excel export of this target is already called %1. Replace it?</source>
        <translation>Un export Excel de cette cible s’appelle déjà «&#xa0;%1&#xa0;». Le remplacer&#xa0;?</translation>
    </message>
    <message>
        <source>%1 already exists. Replace it with a new workbook?</source>
        <translation>%1 existe déjà. Le remplacer par un nouveau classeur&#xa0;?</translation>
    </message>
    <message>
        <source>Replace the data of %1 with the rows of the target as it is now? The sheets you added to the workbook are kept.</source>
        <translation>Remplacer les données de «&#xa0;%1&#xa0;» par les lignes de la cible actuelle&#xa0;? Les feuilles que vous avez ajoutées au classeur sont conservées.</translation>
    </message>
    <message>
        <source>Forget the export %1? The workbook %2 stays on disk.</source>
        <translation>Oublier l’export «&#xa0;%1&#xa0;»&#xa0;? Le classeur %2 reste sur le disque.</translation>
    </message>
    <message>
        <source>Export %1 deleted.</source>
        <translation>Export «&#xa0;%1&#xa0;» supprimé.</translation>
    </message>
    <message>
        <source>Writing %1…</source>
        <translation>Écriture de %1…</translation>
    </message>
    <message>
        <source>The workbook was missing: a new one was written, %1 rows, to %2.</source>
        <translation>Le classeur était introuvable&#xa0;: un nouveau classeur de %1 lignes a été écrit dans %2.</translation>
    </message>
    <message>
        <source>%1 rows written to %2.</source>
        <translation>%1 lignes écrites dans %2.</translation>
    </message>
    <message>
        <source>Export cancelled; the previous file, if any, is unchanged.</source>
        <translation>Export annulé&#xa0;; le fichier précédent, s’il existe, est inchangé.</translation>
    </message>
</context>
<context>
    <name>FunnelTree</name>
    <message>
        <source>Step</source>
        <translation>Étape</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>%1 left out at this step</source>
        <translation>%1 exclus à cette étape</translation>
    </message>
</context>
<context>
    <name>MailMergeDialog</name>
    <message>
        <source>Mail merge</source>
        <extracomment>Combo data of the &quot;a file of my own&quot; entry. The last merge that completed (for the &quot;record&quot; button, callers and tests). The funnel last shown. What the last check before writing found.</extracomment>
        <translation>Publipostage</translation>
    </message>
    <message>
        <source>(unsaved target)</source>
        <translation>(cible non enregistrée)</translation>
    </message>
    <message>
        <source>Target: %1</source>
        <translation>Cible&#xa0;: %1</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>Modèle</translation>
    </message>
    <message>
        <source>A .docx file of my own</source>
        <translation>Un fichier .docx personnel</translation>
    </message>
    <message>
        <source>Letter</source>
        <translation>Lettre</translation>
    </message>
    <message>
        <source>The Word template (.docx)</source>
        <translation>Le modèle Word (.docx)</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Choisir…</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Fichier</translation>
    </message>
    <message>
        <source>New template…</source>
        <translation>Nouveau modèle…</translation>
    </message>
    <message>
        <source>Write a starter letter that lists the merge fields of this target.</source>
        <translation>Créer une lettre de départ qui liste les champs de fusion de cette cible.</translation>
    </message>
    <message>
        <source>What to print</source>
        <translation>À imprimer</translation>
    </message>
    <message>
        <source>Letters</source>
        <translation>Lettres</translation>
    </message>
    <message>
        <source>Address labels</source>
        <translation>Étiquettes d’adresse</translation>
    </message>
    <message>
        <source>customer</source>
        <translation>client</translation>
    </message>
    <message>
        <source>vehicle</source>
        <translation>véhicule</translation>
    </message>
    <message>
        <source>One letter per</source>
        <translation>Une lettre par</translation>
    </message>
    <message>
        <source>%1 × %2: %3 labels of %4 × %5 mm (like %6)</source>
        <translation>%1 × %2&#xa0;: %3 étiquettes de %4 × %5 mm (type %6)</translation>
    </message>
    <message>
        <source>Sheet</source>
        <translation>Planche</translation>
    </message>
    <message>
        <source>Labels already used on the first sheet: they are left blank.</source>
        <translation>Étiquettes déjà utilisées sur la première planche&#xa0;: elles sont laissées vides.</translation>
    </message>
    <message>
        <source>Labels already used</source>
        <translation>Étiquettes déjà utilisées</translation>
    </message>
    <message>
        <source>Label content from the template</source>
        <translation>Contenu des étiquettes selon le modèle</translation>
    </message>
    <message>
        <source>Otherwise each label shows the recipient&apos;s address block.</source>
        <translation>Sinon, chaque étiquette affiche le bloc adresse du destinataire.</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>Sortie</translation>
    </message>
    <message>
        <source>Where to write the document (.docx)</source>
        <translation>Emplacement du document (.docx)</translation>
    </message>
    <message>
        <source>Also write a PDF</source>
        <translation>Créer aussi un PDF</translation>
    </message>
    <message>
        <source>PDF output is not available: LibreOffice is not installed on this computer.</source>
        <translation>Sortie PDF indisponible&#xa0;: LibreOffice n’est pas installé sur cet ordinateur.</translation>
    </message>
    <message>
        <source>Open the document when it is written</source>
        <translation>Ouvrir le document une fois écrit</translation>
    </message>
    <message>
        <source>Merge</source>
        <translation>Fusionner</translation>
    </message>
    <message>
        <source>Campaign name</source>
        <translation>Nom de la campagne</translation>
    </message>
    <message>
        <source>Record in the contact history</source>
        <translation>Enregistrer dans l’historique des contacts</translation>
    </message>
    <message>
        <source>Add one postal contact per letter written, so that later mailings can leave out people contacted recently.</source>
        <translation>Ajouter un contact courrier par lettre écrite, afin que les prochains mailings puissent exclure les personnes contactées récemment.</translation>
    </message>
    <message>
        <source>After merging</source>
        <translation>Après la fusion</translation>
    </message>
    <message>
        <source>Campaign</source>
        <translation>Campagne</translation>
    </message>
    <message>
        <source>Recipients</source>
        <translation>Destinataires</translation>
    </message>
    <message>
        <source>One per household (customers sharing an address)</source>
        <translation>Un par foyer (clients à la même adresse)</translation>
    </message>
    <message>
        <source>Leave out customers contacted in the last</source>
        <translation>Exclure les clients contactés depuis moins de</translation>
    </message>
    <message>
        <source> days</source>
        <translation> jours</translation>
    </message>
    <message>
        <source>Write the %1 labels anyway?</source>
        <translation>Écrire quand même les %1 étiquettes ?</translation>
    </message>
    <message>
        <source>Write the %1 letters anyway?</source>
        <translation>Écrire quand même les %1 lettres ?</translation>
    </message>
    <message>
        <source>Step</source>
        <translation type="vanished">Étape</translation>
    </message>
    <message>
        <source>Count</source>
        <translation type="vanished">Nombre</translation>
    </message>
    <message>
        <source>Mailings of this target</source>
        <translation>Mailings de cette cible</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Description</translation>
    </message>
    <message>
        <source>Save this mailing</source>
        <translation>Enregistrer ce mailing</translation>
    </message>
    <message>
        <source>Keep the template and the options under this name, to run them again later.</source>
        <translation>Conserver le modèle et les options sous ce nom, pour les relancer plus tard.</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>Use its settings</source>
        <translation>Reprendre ses réglages</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Supprimer</translation>
    </message>
    <message>
        <source>Forget this mailing; its files stay on disk.</source>
        <translation>Oublier ce mailing&#xa0;; ses fichiers restent sur le disque.</translation>
    </message>
    <message>
        <source>Word template</source>
        <translation>Modèle Word</translation>
    </message>
    <message>
        <source>Word document or template (*.docx *.dotx)</source>
        <translation>Document ou modèle Word (*.docx *.dotx)</translation>
    </message>
    <message>
        <source>Labels show the address block.</source>
        <translation>Les étiquettes affichent le bloc adresse.</translation>
    </message>
    <message>
        <source>Choose a template.</source>
        <translation>Choisissez un modèle.</translation>
    </message>
    <message>
        <source>Unknown merge fields: %1</source>
        <translation>Champs de fusion inconnus&#xa0;: %1</translation>
    </message>
    <message>
        <source>%1 merge fields: %2</source>
        <translation>%1 champs de fusion&#xa0;: %2</translation>
    </message>
    <message>
        <source>This template has no merge field.</source>
        <translation>Ce modèle ne contient aucun champ de fusion.</translation>
    </message>
    <message>
        <source>Text in brackets to fill in: %1</source>
        <translation>Texte entre crochets à compléter : %1</translation>
    </message>
    <message>
        <source>New template</source>
        <translation>Nouveau modèle</translation>
    </message>
    <message>
        <source>Word document (*.docx)</source>
        <translation>Document Word (*.docx)</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>Impossible d’écrire %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>New template written to %1 with the %2 merge fields of this target.</source>
        <translation>Nouveau modèle écrit dans %1 avec les %2 champs de fusion de cette cible.</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>Comptage en cours…</translation>
    </message>
    <message>
        <source>%1 left out at this step</source>
        <translation type="vanished">%1 exclus à cette étape</translation>
    </message>
    <message>
        <source>%1 recipients (refusals are checked again when the document is written).</source>
        <translation>%1 destinataires (les refus sont revérifiés au moment de l’écriture du document).</translation>
    </message>
    <message>
        <source>%1 recipients, %2 letters with one per vehicle (refusals are checked again when the document is written).</source>
        <translation>%1 destinataires, %2 lettres à raison d’une par véhicule (les refus sont revérifiés au moment de l’écriture du document).</translation>
    </message>
    <message>
        <source>Cannot count: %1</source>
        <translation>Comptage impossible&#xa0;: %1</translation>
    </message>
    <message>
        <source>Choose where to write the document.</source>
        <translation>Choisissez l’emplacement du document.</translation>
    </message>
    <message>
        <source>%1 is a folder.</source>
        <translation>%1 est un dossier.</translation>
    </message>
    <message>
        <source>The folder %1 does not exist.</source>
        <translation>Le dossier %1 n’existe pas.</translation>
    </message>
    <message>
        <source>A mailing of this target is already called %1. Replace it?</source>
        <translation>Un mailing de cette cible s’appelle déjà «&#xa0;%1&#xa0;». Le remplacer&#xa0;?</translation>
    </message>
    <message>
        <source>%1 already exists. Replace it?</source>
        <translation>%1 existe déjà. Remplacer&#xa0;?</translation>
    </message>
    <message>
        <source>Checking the letters…</source>
        <translation>Vérification des lettres…</translation>
    </message>
    <message>
        <source>Before writing:</source>
        <translation>Avant d’écrire :</translation>
    </message>
    <message>
        <source>Nothing written.</source>
        <translation>Rien n’a été écrit.</translation>
    </message>
    <message>
        <source>Writing %1…</source>
        <translation>Écriture de %1…</translation>
    </message>
    <message>
        <source>%1 labels written to %2.</source>
        <translation>%1 étiquettes écrites dans %2.</translation>
    </message>
    <message>
        <source>%1 letters written to %2.</source>
        <translation>%1 lettres écrites dans %2.</translation>
    </message>
    <message>
        <source>PDF: %1.</source>
        <translation>PDF&#xa0;: %1.</translation>
    </message>
    <message>
        <source>Before printing: %1</source>
        <translation>Avant d’imprimer : %1</translation>
    </message>
    <message>
        <source>Merge cancelled; the previous file, if any, is unchanged.</source>
        <translation>Publipostage annulé&#xa0;; le fichier précédent, s’il existe, est inchangé.</translation>
    </message>
    <message>
        <source>Give the campaign a name.</source>
        <translation>Donnez un nom à la campagne.</translation>
    </message>
    <message>
        <source>%1 postal contacts recorded in the contact history.</source>
        <translation>%1 contacts courrier enregistrés dans l’historique des contacts.</translation>
    </message>
    <message>
        <source>Give the mailing a name.</source>
        <translation>Donnez un nom au mailing.</translation>
    </message>
    <message>
        <source>Not saved: choose another name to keep both mailings.</source>
        <translation>Non enregistré&#xa0;: choisissez un autre nom pour conserver les deux mailings.</translation>
    </message>
    <message>
        <source>Mailing %1 saved.</source>
        <translation>Mailing «&#xa0;%1&#xa0;» enregistré.</translation>
    </message>
    <message>
        <source>Settings of %1 loaded.</source>
        <translation>Réglages de «&#xa0;%1&#xa0;» chargés.</translation>
    </message>
    <message>
        <source>Forget the mailing %1? Its files stay on disk.</source>
        <translation>Oublier le mailing «&#xa0;%1&#xa0;»&#xa0;? Ses fichiers restent sur le disque.</translation>
    </message>
    <message>
        <source>Mailing %1 deleted.</source>
        <translation>Mailing «&#xa0;%1&#xa0;» supprimé.</translation>
    </message>
</context>
</TS>
