<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr" sourcelanguage="en">
<context>
    <name>CheckPage</name>
    <message>
        <source>Check before importing</source>
        <translation>Vérification avant l’import</translation>
    </message>
    <message>
        <source>Every row is read and checked; nothing is written yet. Rows with an error are not imported; rows with a warning are imported without the doubtful value.</source>
        <translation>Chaque ligne est lue et vérifiée ; rien n’est encore écrit. Les lignes en erreur ne sont pas importées ; les lignes avec un avertissement sont importées sans la valeur douteuse.</translation>
    </message>
    <message>
        <source>Every problem</source>
        <translation>Tous les problèmes</translation>
    </message>
    <message>
        <source>Errors (rows not imported)</source>
        <translation>Erreurs (lignes non importées)</translation>
    </message>
    <message>
        <source>Warnings</source>
        <translation>Avertissements</translation>
    </message>
    <message>
        <source>&amp;Save the report (.xlsx)…</source>
        <translation>&amp;Enregistrer le rapport (.xlsx)…</translation>
    </message>
    <message>
        <source>Check &amp;again</source>
        <translation>&amp;Vérifier à nouveau</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>Afficher :</translation>
    </message>
    <message>
        <source>&amp;Import</source>
        <translation>&amp;Importer</translation>
    </message>
    <message>
        <source>%1 of about %2 rows checked…</source>
        <translation>%1 lignes vérifiées sur environ %2…</translation>
    </message>
    <message>
        <source>Reading and checking %1…</source>
        <translation>Lecture et vérification de %1…</translation>
    </message>
    <message>
        <source>Check done: nothing was written.</source>
        <translation>Vérification terminée : rien n’a été écrit.</translation>
    </message>
    <message>
        <source>No row can be imported: see the problems below, fix the file or the columns (Back), and try again.</source>
        <translation>Aucune ligne ne peut être importée : voyez les problèmes ci-dessous, corrigez le fichier ou les colonnes (Précédent) et réessayez.</translation>
    </message>
    <message>
        <source>Check stopped: nothing was written.</source>
        <translation>Vérification arrêtée : rien n’a été écrit.</translation>
    </message>
    <message>
        <source>Save the report</source>
        <translation>Enregistrer le rapport</translation>
    </message>
    <message>
        <source>Excel workbooks (*.xlsx)</source>
        <translation>Classeurs Excel (*.xlsx)</translation>
    </message>
    <message>
        <source>The report cannot be written: %1</source>
        <translation>Le rapport ne peut pas être écrit : %1</translation>
    </message>
    <message>
        <source>Report saved: %1</source>
        <translation>Rapport enregistré : %1</translation>
    </message>
</context>
<context>
    <name>FilePage</name>
    <message>
        <source>The file to import</source>
        <translation>Le fichier à importer</translation>
    </message>
    <message>
        <source>An extract from your DMS: CSV or TXT (any separator), or an Excel workbook (XLSX, XLS). Nothing is written to the database before the last step.</source>
        <translation>Une extraction de votre DMS : CSV ou TXT (tout séparateur), ou un classeur Excel (XLSX, XLS). Rien n’est écrit dans la base avant la dernière étape.</translation>
    </message>
    <message>
        <source>Choose the extract…</source>
        <translation>Choisissez l’extraction…</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>&amp;Parcourir…</translation>
    </message>
    <message>
        <source>Guessed from the file’s columns: change it if it is wrong.</source>
        <translation>Deviné d’après les colonnes du fichier : changez-le s’il est faux.</translation>
    </message>
    <message>
        <source>&amp;File:</source>
        <translation>&amp;Fichier :</translation>
    </message>
    <message>
        <source>It &amp;holds:</source>
        <translation>Il &amp;contient :</translation>
    </message>
    <message>
        <source>This is the demo database: the example extracts shipped with Cible are offered first (customers, vehicles, workshop invoices, sales), each with a few rows wrong on purpose.</source>
        <translation>C’est la base de démonstration : les extractions d’exemple livrées avec Cible sont proposées d’abord (clients, véhicules, factures atelier, ventes), chacune avec quelques lignes fausses exprès.</translation>
    </message>
    <message>
        <source>Choose the extract to import</source>
        <translation>Choisir l’extraction à importer</translation>
    </message>
    <message>
        <source>DMS extracts (*.csv *.txt *.xlsx *.xls);;All files (*)</source>
        <translation>Extractions DMS (*.csv *.txt *.xlsx *.xls);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>separator %1 instead of %2</source>
        <translation>séparateur %1 au lieu de %2</translation>
    </message>
    <message>
        <source>encoding %1 instead of %2</source>
        <translation>encodage %1 au lieu de %2</translation>
    </message>
    <message>
        <source>headers on row %1 instead of %2</source>
        <translation>en-têtes ligne %1 au lieu de %2</translation>
    </message>
    <message>
        <source>The file is no longer written as the profile “%1” says (%2): it is read as Cible finds it; check its rows on the next page.</source>
        <translation>Le fichier n’est plus écrit comme le dit le profil « %1 » (%2) : il est lu tel que Cible le trouve ; vérifiez ses lignes à la page suivante.</translation>
    </message>
    <message numerus="yes">
        <source>Read as text: %1, separator %2, headers on row %3, %n column(s).</source>
        <translation>
            <numerusform>Lu comme texte : %1, séparateur %2, en-têtes ligne %3, %n colonne.</numerusform>
            <numerusform>Lu comme texte : %1, séparateur %2, en-têtes ligne %3, %n colonnes.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Read as an Excel workbook: sheet “%3”, headers on row %1, %n column(s).</source>
        <translation>
            <numerusform>Lu comme classeur Excel : feuille « %3 », en-têtes ligne %1, %n colonne.</numerusform>
            <numerusform>Lu comme classeur Excel : feuille « %3 », en-têtes ligne %1, %n colonnes.</numerusform>
        </translation>
    </message>
    <message>
        <source>Read as text: %1, separator %2, headers on row %3, %4 columns.</source>
        <translation type="vanished">Lu comme texte : %1, séparateur %2, en-têtes ligne %3, %4 colonnes.</translation>
    </message>
    <message>
        <source>Read as an Excel workbook: sheet “%3”, headers on row %1, %2 columns.</source>
        <translation type="vanished">Lu comme classeur Excel : feuille « %3 », en-têtes ligne %1, %2 colonnes.</translation>
    </message>
    <message>
        <source>“%1”</source>
        <translation>« %1 »</translation>
    </message>
    <message>
        <source>Its sheets: %1 (choose another on the next page).</source>
        <translation>Ses feuilles : %1 (choisissez-en une autre à la page suivante).</translation>
    </message>
    <message numerus="yes">
        <source>The workbook has %n sheet(s): choose one on the next page.</source>
        <translation type="vanished">
            <numerusform>Le classeur a %n feuille : choisissez-la à la page suivante.</numerusform>
            <numerusform>Le classeur a %n feuilles : choisissez-en une à la page suivante.</numerusform>
        </translation>
    </message>
    <message>
        <source>Read as an Excel workbook: headers on row %1, %2 columns.</source>
        <translation type="vanished">Lu comme classeur Excel : en-têtes ligne %1, %2 colonnes.</translation>
    </message>
    <message>
        <source>Its columns are those of the saved profile “%1”: it is applied.</source>
        <translation>Ses colonnes sont celles du profil enregistré « %1 » : il est appliqué.</translation>
    </message>
</context>
<context>
    <name>ImportPage</name>
    <message>
        <source>Import</source>
        <translation>Import</translation>
    </message>
    <message>
        <source>The rows are written in one go: if you cancel, or if anything goes wrong, the database stays as it was.</source>
        <translation>Les lignes sont écrites en une seule fois : si vous annulez, ou si quelque chose se passe mal, la base reste telle qu’elle était.</translation>
    </message>
    <message>
        <source>Changes of owner:</source>
        <translation>Changements de propriétaire :</translation>
    </message>
    <message>
        <source>Vehicle</source>
        <translation>Véhicule</translation>
    </message>
    <message>
        <source>Former owner</source>
        <translation>Ancien propriétaire</translation>
    </message>
    <message>
        <source>New owner</source>
        <translation>Nouveau propriétaire</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>Depuis le</translation>
    </message>
    <message>
        <source>%1 of about %2 rows imported…</source>
        <translation>%1 lignes importées sur environ %2…</translation>
    </message>
    <message>
        <source>Copying the database before the import…</source>
        <translation>Copie de la base avant l’import…</translation>
    </message>
    <message>
        <source>Importing %1…</source>
        <translation>Import de %1…</translation>
    </message>
    <message>
        <source>Import done.</source>
        <translation>Import terminé.</translation>
    </message>
    <message>
        <source>The report (every problem, every change of owner): %1</source>
        <translation>Le rapport (chaque problème, chaque changement de propriétaire) : %1</translation>
    </message>
    <message>
        <source>The report could not be saved.</source>
        <translation>Le rapport n’a pas pu être enregistré.</translation>
    </message>
    <message>
        <source>The database as it was before this import: %1</source>
        <translation>La base telle qu’elle était avant cet import : %1</translation>
    </message>
    <message>
        <source>Nothing was imported: the database is as it was.</source>
        <translation>Rien n’a été importé : la base est telle qu’elle était.</translation>
    </message>
    <message>
        <source>Import cancelled: nothing was written, the database is as it was.</source>
        <translation>Import annulé : rien n’a été écrit, la base est telle qu’elle était.</translation>
    </message>
</context>
<context>
    <name>ImportWizard</name>
    <message>
        <source>%1: this file cannot be read as a data extract (%2).</source>
        <extracomment>Encodings offered (the detected one is added if it is another).</extracomment>
        <translation>%1 : ce fichier ne peut pas être lu comme une extraction de données (%2).</translation>
    </message>
    <message>
        <source>semicolon (;)</source>
        <translation>point-virgule (;)</translation>
    </message>
    <message>
        <source>comma (,)</source>
        <translation>virgule (,)</translation>
    </message>
    <message>
        <source>vertical bar (|)</source>
        <translation>barre verticale (|)</translation>
    </message>
    <message>
        <source>semicolon ;</source>
        <translation type="vanished">point-virgule ;</translation>
    </message>
    <message>
        <source>comma ,</source>
        <translation type="vanished">virgule ,</translation>
    </message>
    <message>
        <source>tab</source>
        <translation>tabulation</translation>
    </message>
    <message>
        <source>vertical bar |</source>
        <translation type="vanished">barre verticale |</translation>
    </message>
    <message>
        <source>Customers</source>
        <extracomment>Where the folder of the last import is remembered. Where the folder of the last profile file is remembered. Column index → field key. The profile applied (matched by the headers, loaded, or just saved). What the check found beyond the report (the dry-run import&apos;s result, when there is one).</extracomment>
        <translation>Clients</translation>
    </message>
    <message>
        <source>Vehicles (with their owner)</source>
        <translation>Véhicules (avec leur propriétaire)</translation>
    </message>
    <message>
        <source>Workshop invoices (one row per line)</source>
        <translation>Factures atelier (une ligne par ligne de facture)</translation>
    </message>
    <message>
        <source>Vehicle sales (with their financing)</source>
        <translation>Ventes de véhicules (avec leur financement)</translation>
    </message>
    <message>
        <source>Import from the DMS</source>
        <translation>Importer depuis le DMS</translation>
    </message>
    <message>
        <source>&amp;Import</source>
        <translation>&amp;Importer</translation>
    </message>
    <message>
        <source>&amp;Next &gt;</source>
        <translation>&amp;Suivant &gt;</translation>
    </message>
    <message>
        <source>&lt; &amp;Back</source>
        <translation>&lt; &amp;Précédent</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>&amp;Close</source>
        <translation>&amp;Fermer</translation>
    </message>
    <message>
        <source>Rows read</source>
        <translation>Lignes lues</translation>
    </message>
    <message>
        <source>New</source>
        <translation>Nouveaux</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>Mis à jour</translation>
    </message>
    <message>
        <source>Unchanged</source>
        <translation>Inchangés</translation>
    </message>
    <message>
        <source>Rejected (rows with an error)</source>
        <translation>Rejetés (lignes en erreur)</translation>
    </message>
    <message>
        <source>Imported with a warning</source>
        <translation>Importés avec un avertissement</translation>
    </message>
    <message>
        <source>Errors / warnings</source>
        <translation>Erreurs / avertissements</translation>
    </message>
    <message>
        <source>Changes of owner</source>
        <translation>Changements de propriétaire</translation>
    </message>
    <message>
        <source>Customers named otherwise in Cible (check the site and number)</source>
        <translation>Clients nommés autrement dans Cible (vérifiez le site et le numéro)</translation>
    </message>
    <message>
        <source>Customer</source>
        <extracomment>Sample values shown beside each column.</extracomment>
        <translation>Client</translation>
    </message>
    <message>
        <source>Vehicle</source>
        <translation>Véhicule</translation>
    </message>
    <message>
        <source>Invoice</source>
        <translation>Facture</translation>
    </message>
    <message>
        <source>Invoice line</source>
        <translation>Ligne de facture</translation>
    </message>
    <message>
        <source>Sale</source>
        <translation>Vente</translation>
    </message>
</context>
<context>
    <name>MappingPage</name>
    <message>
        <source>What each column holds</source>
        <extracomment>The profile the user changed the mapping of (said until saved).</extracomment>
        <translation>Ce que contient chaque colonne</translation>
    </message>
    <message>
        <source>Choose the Cible field each column goes to; columns left on “Ignore this column” are not imported. Fields marked * are needed for this kind of file.</source>
        <translation>Choisissez le champ de Cible de chaque colonne ; les colonnes laissées sur « Ignorer cette colonne » ne sont pas importées. Les champs marqués * sont nécessaires pour ce genre de fichier.</translation>
    </message>
    <message>
        <source>&amp;Save as a profile…</source>
        <translation>&amp;Enregistrer comme profil…</translation>
    </message>
    <message>
        <source>The next file with these columns gets this mapping by itself.</source>
        <translation>Le prochain fichier qui a ces colonnes reçoit ces correspondances tout seul.</translation>
    </message>
    <message>
        <source>&amp;Load a profile file…</source>
        <translation>&amp;Charger un fichier de profil…</translation>
    </message>
    <message>
        <source>A profile exported at another site (.json).</source>
        <translation>Un profil exporté sur un autre site (.json).</translation>
    </message>
    <message>
        <source>E&amp;xport the profile…</source>
        <translation>E&amp;xporter le profil…</translation>
    </message>
    <message>
        <source>Save the mapping as a small .json file to share with another site.</source>
        <translation>Enregistrer les correspondances dans un petit fichier .json à partager avec un autre site.</translation>
    </message>
    <message>
        <source>Column in the file</source>
        <translation>Colonne du fichier</translation>
    </message>
    <message>
        <source>First values</source>
        <translation>Premières valeurs</translation>
    </message>
    <message>
        <source>Cible field</source>
        <translation>Champ de Cible</translation>
    </message>
    <message>
        <source>(no header)</source>
        <translation>(sans en-tête)</translation>
    </message>
    <message>
        <source>Column %1 of the file</source>
        <translation>Colonne %1 du fichier</translation>
    </message>
    <message>
        <source>— Ignore this column —</source>
        <translation>— Ignorer cette colonne —</translation>
    </message>
    <message>
        <source>No column goes to “%1”, which this kind of file needs.</source>
        <translation>Aucune colonne ne va dans « %1 », nécessaire pour ce genre de fichier.</translation>
    </message>
    <message>
        <source>The columns “%1” and “%2” both go to “%3”: keep one.</source>
        <translation>Les colonnes « %1 » et « %2 » vont toutes deux dans « %3 » : gardez-en une.</translation>
    </message>
    <message>
        <source>%1 columns imported, %2 ignored. Every field this kind of file needs has its column.</source>
        <translation>%1 colonnes importées, %2 ignorées. Chaque champ nécessaire pour ce genre de fichier a sa colonne.</translation>
    </message>
    <message>
        <source>“%1”: its dates are read month first, as in the United States.</source>
        <translation>« %1 » : ses dates sont lues le mois d’abord, à l’américaine.</translation>
    </message>
    <message>
        <source>For example “%1” on row %2 is %3.</source>
        <translation>Par exemple « %1 » ligne %2 est le %3.</translation>
    </message>
    <message>
        <source>Profile: &lt;b&gt;%1&lt;/b&gt; (applied by itself: these columns are its own).</source>
        <translation>Profil : &lt;b&gt;%1&lt;/b&gt; (appliqué tout seul : ces colonnes sont les siennes).</translation>
    </message>
    <message>
        <source>Changed from the profile “%1”: save it to keep the changes.</source>
        <translation>Modifié par rapport au profil « %1 » : enregistrez-le pour garder les changements.</translation>
    </message>
    <message>
        <source>No saved profile has these columns: the fields are suggested from the headers.</source>
        <translation>Aucun profil enregistré n’a ces colonnes : les champs sont proposés d’après les en-têtes.</translation>
    </message>
    <message>
        <source>Save the profile</source>
        <translation>Enregistrer le profil</translation>
    </message>
    <message>
        <source>Name of the profile (for example “Irium clients”):</source>
        <translation>Nom du profil (par exemple « Irium clients ») :</translation>
    </message>
    <message>
        <source>The profile cannot be saved: %1</source>
        <translation>Le profil ne peut pas être enregistré : %1</translation>
    </message>
    <message>
        <source>Export the profile</source>
        <translation>Exporter le profil</translation>
    </message>
    <message>
        <source>Import profiles (*.json)</source>
        <translation>Profils d’import (*.json)</translation>
    </message>
    <message>
        <source>The profile cannot be written: %1</source>
        <translation>Le profil ne peut pas être écrit : %1</translation>
    </message>
    <message>
        <source>Load a profile</source>
        <translation>Charger un profil</translation>
    </message>
    <message>
        <source>Import profiles (*.json);;All files (*)</source>
        <translation>Profils d’import (*.json);;Tous les fichiers (*)</translation>
    </message>
</context>
<context>
    <name>PreviewPage</name>
    <message>
        <source>The file as read</source>
        <translation>Le fichier tel qu’il est lu</translation>
    </message>
    <message>
        <source>Check that the columns are split right and the accents are readable. If not, change the encoding, the separator or the row of the headers: the rows below are read again at once.</source>
        <translation>Vérifiez que les colonnes sont bien séparées et que les accents sont lisibles. Sinon, changez l’encodage, le séparateur ou la ligne des en-têtes : les lignes ci-dessous sont relues aussitôt.</translation>
    </message>
    <message>
        <source>&amp;Encoding:</source>
        <translation>&amp;Encodage :</translation>
    </message>
    <message>
        <source>&amp;Separator:</source>
        <translation>&amp;Séparateur :</translation>
    </message>
    <message>
        <source>&amp;Headers on row:</source>
        <translation>&amp;En-têtes à la ligne :</translation>
    </message>
    <message>
        <source>S&amp;heet:</source>
        <translation>&amp;Feuille :</translation>
    </message>
    <message>
        <source>An Excel workbook has no encoding nor separator: choose the sheet that holds the extract.</source>
        <translation>Un classeur Excel n’a ni encodage ni séparateur : choisissez la feuille qui contient l’extraction.</translation>
    </message>
    <message>
        <source>An Excel workbook has no encoding nor separator: only its first sheet is read.</source>
        <translation type="vanished">Un classeur Excel n’a ni encodage ni séparateur : seule sa première feuille est lue.</translation>
    </message>
</context>
<context>
    <name>ProblemsModel</name>
    <message>
        <source>Row</source>
        <translation>Ligne</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>Colonne</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Valeur</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problème</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Erreur</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Avertissement</translation>
    </message>
</context>
<context>
    <name>_RunningPage</name>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>Arrêt en cours…</translation>
    </message>
    <message>
        <source>Something unexpected stopped the work on %1 (%2).</source>
        <translation>Un problème imprévu a arrêté le travail sur %1 (%2).</translation>
    </message>
</context>
</TS>
