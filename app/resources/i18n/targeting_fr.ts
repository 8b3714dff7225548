<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr" sourcelanguage="en">
<context>
    <name>Criteria</name>
    <message>
        <source>between</source>
        <translation>entre</translation>
    </message>
    <message>
        <source>empty</source>
        <translation>vide</translation>
    </message>
    <message>
        <source>not empty</source>
        <translation>non vide</translation>
    </message>
    <message>
        <source>one of</source>
        <translation>parmi</translation>
    </message>
    <message>
        <source>older than</source>
        <translation>il y a plus de</translation>
    </message>
    <message>
        <source>in the last</source>
        <translation>il y a moins de</translation>
    </message>
    <message>
        <source>in the next</source>
        <translation>dans moins de</translation>
    </message>
    <message>
        <source>Equals: the exact value</source>
        <translation>Égal à&#xa0;: la valeur exacte</translation>
    </message>
    <message>
        <source>Like: % stands for any characters (DUP% finds DUPONT and Dupré)</source>
        <translation>Comme&#xa0;: % remplace n’importe quels caractères (DUP% trouve DUPONT et Dupré)</translation>
    </message>
    <message>
        <source>Different from</source>
        <translation>Différent de</translation>
    </message>
    <message>
        <source>Greater than or equal to (from this value on)</source>
        <translation>Supérieur ou égal à (à partir de cette valeur)</translation>
    </message>
    <message>
        <source>Less than or equal to (up to this value)</source>
        <translation>Inférieur ou égal à (jusqu’à cette valeur)</translation>
    </message>
    <message>
        <source>Between two values, both included</source>
        <translation>Entre deux valeurs, bornes incluses</translation>
    </message>
    <message>
        <source>The field is empty</source>
        <translation>Le champ est vide</translation>
    </message>
    <message>
        <source>The field is filled in</source>
        <translation>Le champ est renseigné</translation>
    </message>
    <message>
        <source>One of several values, separated by ;</source>
        <translation>Une valeur parmi plusieurs, séparées par «&#xa0;;&#xa0;»</translation>
    </message>
    <message>
        <source>More than N days, months or years ago (stays true over time)</source>
        <translation>Il y a plus de N jours, mois ou ans (reste vrai au fil du temps)</translation>
    </message>
    <message>
        <source>Within the last N days, months or years</source>
        <translation>Au cours des N derniers jours, mois ou ans</translation>
    </message>
    <message>
        <source>Within the next N days, months or years</source>
        <translation>Dans les N prochains jours, mois ou ans</translation>
    </message>
    <message>
        <source>days</source>
        <translation>jours</translation>
    </message>
    <message>
        <source>months</source>
        <translation>mois</translation>
    </message>
    <message>
        <source>years</source>
        <translation>ans</translation>
    </message>
    <message>
        <source>Criterion</source>
        <extracomment>Ticked values of a vehicle field: the customer must own a vehicle for each of them (``Condition.each``); otherwise any of them will do. Not the field&apos;s first line: labelled &quot;and&quot; (kept here, not derived from the row, so that removing a line changes the next one&apos;s label by a dataChanged, as Qt expects).</extracomment>
        <translation>Critère</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Valeur</translation>
    </message>
    <message>
        <source>Second value, unit or option</source>
        <translation>2ᵉ valeur, unité ou option</translation>
    </message>
    <message>
        <source>and / unit</source>
        <translation type="vanished">et / unité</translation>
    </message>
    <message>
        <source>Other criteria (nested groups)</source>
        <translation>Autres critères (groupes imbriqués)</translation>
    </message>
    <message>
        <source>Ticked values: a vehicle for each</source>
        <translation>Valeurs cochées : un véhicule pour chacune</translation>
    </message>
    <message>
        <source>Ticked values: any of them</source>
        <translation>Valeurs cochées : l’une ou l’autre</translation>
    </message>
    <message>
        <source>Two ticked values mean “or”; two typed lines mean “and”.</source>
        <translation>Deux valeurs cochées signifient « ou » ; deux lignes saisies signifient « et ».</translation>
    </message>
    <message>
        <source>Must own each</source>
        <translation>Doit posséder chacune</translation>
    </message>
    <message>
        <source>The customer must own a vehicle for each ticked value.</source>
        <translation>Le client doit posséder un véhicule pour chaque valeur cochée.</translation>
    </message>
    <message>
        <source>Type a value (dates as DD/MM/YYYY)</source>
        <translation>Tapez une valeur (dates au format JJ/MM/AAAA)</translation>
    </message>
    <message>
        <source>Type a value</source>
        <translation>Tapez une valeur</translation>
    </message>
    <message>
        <source>and %1</source>
        <translation>et %1</translation>
    </message>
    <message>
        <source>empty values too</source>
        <translation>vides inclus</translation>
    </message>
    <message>
        <source>Type a value.</source>
        <translation>Tapez une valeur.</translation>
    </message>
    <message>
        <source>Type the second value (between … and …).</source>
        <translation>Tapez la seconde valeur (entre … et …).</translation>
    </message>
    <message>
        <source>1 criterion</source>
        <translation>1 critère</translation>
    </message>
    <message>
        <source>%1 criteria</source>
        <translation>%1 critères</translation>
    </message>
</context>
<context>
    <name>CriteriaEditor</name>
    <message>
        <source>Find a field or a value (Ctrl+F)</source>
        <extracomment>The operators on the buttons, with their shortcuts.</extracomment>
        <translation>Rechercher un champ ou une valeur (Ctrl+F)</translation>
    </message>
    <message>
        <source>Find a field</source>
        <translation>Rechercher un champ</translation>
    </message>
    <message>
        <source>Add an &amp;OR group</source>
        <translation>Ajouter un groupe &amp;OU</translation>
    </message>
    <message>
        <source>Add a group of criteria: the target keeps rows matching this group OR the others (Ctrl+G)</source>
        <translation>Ajouter un groupe de critères&#xa0;: la cible garde les lignes qui répondent à ce groupe OU aux autres (Ctrl+G)</translation>
    </message>
    <message>
        <source>&amp;Remove this group</source>
        <translation>&amp;Supprimer ce groupe</translation>
    </message>
    <message>
        <source>Move this group &amp;left</source>
        <translation>Déplacer ce groupe à &amp;gauche</translation>
    </message>
    <message>
        <source>Move this group r&amp;ight</source>
        <translation>Déplacer ce groupe à &amp;droite</translation>
    </message>
    <message>
        <source>&amp;Next group</source>
        <translation>Groupe suiva&amp;nt</translation>
    </message>
    <message>
        <source>&amp;Previous group</source>
        <translation>Groupe &amp;précédent</translation>
    </message>
    <message>
        <source>+ OR</source>
        <translation>+ OU</translation>
    </message>
    <message>
        <source>− group</source>
        <translation>− groupe</translation>
    </message>
    <message>
        <source>Remove the group shown (Ctrl+Shift+G)</source>
        <translation>Supprimer le groupe affiché (Ctrl+Shift+G)</translation>
    </message>
    <message>
        <source>The operator of the criteria line under the cursor</source>
        <translation>L’opérateur de la ligne de critère sous le curseur</translation>
    </message>
    <message>
        <source>Dates counted from today: older than, in the last, in the next N days, months or years</source>
        <translation>Dates comptées à partir d’aujourd’hui&#xa0;: il y a plus de, il y a moins de, dans moins de N jours, mois ou ans</translation>
    </message>
    <message>
        <source>Criteria</source>
        <translation>Critères</translation>
    </message>
    <message>
        <source>OR group %1</source>
        <translation>Groupe OU %1</translation>
    </message>
    <message>
        <source>Rows matching every criterion of this group are kept; groups are joined by OR.</source>
        <translation>Les lignes qui répondent à tous les critères de ce groupe sont gardées&#x202f;; les groupes sont reliés par OU.</translation>
    </message>
    <message>
        <source>relative date</source>
        <translation>date relative</translation>
    </message>
    <message>
        <source>Remove this criterion (Delete)</source>
        <translation>Supprimer ce critère (Suppr)</translation>
    </message>
    <message>
        <source>Not taken into account until corrected:</source>
        <translation>Non pris en compte tant que ce n’est pas corrigé&#xa0;:</translation>
    </message>
</context>
<context>
    <name>FieldPickerDialog</name>
    <message>
        <source>Find a field</source>
        <translation>Rechercher un champ</translation>
    </message>
    <message>
        <source>&amp;Up</source>
        <translation>&amp;Monter</translation>
    </message>
    <message>
        <source>D&amp;own</source>
        <translation>&amp;Descendre</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>&amp;Retirer</translation>
    </message>
    <message>
        <source>Ascending / &amp;descending</source>
        <translation>&amp;Croissant / décroissant</translation>
    </message>
    <message>
        <source>Fields (tick to add):</source>
        <translation>Champs (cochez pour ajouter)&#xa0;:</translation>
    </message>
    <message>
        <source>In this order:</source>
        <translation>Dans cet ordre&#xa0;:</translation>
    </message>
    <message>
        <source>descending</source>
        <translation>décroissant</translation>
    </message>
    <message>
        <source>ascending</source>
        <translation>croissant</translation>
    </message>
</context>
<context>
    <name>FieldsDialog</name>
    <message>
        <source>Fields to display</source>
        <translation>Champs à afficher</translation>
    </message>
    <message>
        <source>The columns of the grid and of every export (Excel, letters), in this order. They are not the criteria: they only say what is shown.</source>
        <translation>Les colonnes de la grille et de tous les exports (Excel, courriers), dans cet ordre. Ce ne sont pas les critères&#xa0;: ils disent seulement ce qui est affiché.</translation>
    </message>
    <message>
        <source>Choose at least one field.</source>
        <translation>Choisissez au moins un champ.</translation>
    </message>
</context>
<context>
    <name>OpenTargetDialog</name>
    <message>
        <source>Open a target</source>
        <translation>Ouvrir une cible</translation>
    </message>
    <message>
        <source>Search in names and descriptions</source>
        <translation>Rechercher dans les noms et les descriptions</translation>
    </message>
    <message>
        <source>No saved target yet: Target &gt; Save (Ctrl+S) saves the current one.</source>
        <translation>Aucune cible enregistrée pour l’instant&#xa0;: Cible &gt; Enregistrer (Ctrl+S) enregistre la cible en cours.</translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation>&amp;Ouvrir</translation>
    </message>
    <message>
        <source>&amp;Delete…</source>
        <translation>&amp;Supprimer…</translation>
    </message>
    <message>
        <source>Delete the selected targets (Delete)</source>
        <translation>Supprimer les cibles sélectionnées (Suppr)</translation>
    </message>
    <message>
        <source>Delete the saved target “%1”?</source>
        <translation>Supprimer la cible enregistrée «&#xa0;%1&#xa0;»&#x202f;?</translation>
    </message>
    <message>
        <source>Delete these %1 saved targets?</source>
        <translation>Supprimer ces %1 cibles enregistrées&#x202f;?</translation>
    </message>
    <message>
        <source>Delete saved targets</source>
        <translation>Supprimer des cibles enregistrées</translation>
    </message>
    <message>
        <source>The customers and vehicles are not touched.</source>
        <translation>Les clients et les véhicules ne sont pas modifiés.</translation>
    </message>
</context>
<context>
    <name>Results</name>
    <message>
        <source>Click a mark to remove a customer from the target or put them back</source>
        <extracomment>After this long waiting for rows, the list says it is reading them (Esc stops). Column widths fitted to the values of the first rows, within these bounds (pixels).</extracomment>
        <translation>Cliquez sur une marque pour retirer un client de la cible ou l’y remettre</translation>
    </message>
    <message>
        <source>Put this customer back in the target (Insert)</source>
        <translation>Remettre ce client dans la cible (Inser)</translation>
    </message>
    <message>
        <source>Remove this customer from the target (Delete)</source>
        <translation>Retirer ce client de la cible (Suppr)</translation>
    </message>
    <message>
        <source>Removed from the target: left out of every export</source>
        <translation>Retiré de la cible&#xa0;: exclu de tous les exports</translation>
    </message>
</context>
<context>
    <name>ResultsView</name>
    <message>
        <source>Reading the list… (Esc to stop)</source>
        <translation>Lecture de la liste… (Échap pour arrêter)</translation>
    </message>
</context>
<context>
    <name>SaveTargetDialog</name>
    <message>
        <source>Save the target as</source>
        <translation>Enregistrer la cible sous</translation>
    </message>
    <message>
        <source>Target &amp;name:</source>
        <translation>&amp;Nom de la cible&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Description:</source>
        <translation>&amp;Description&#xa0;:</translation>
    </message>
    <message>
        <source>Saved targets:</source>
        <translation>Cibles enregistrées&#xa0;:</translation>
    </message>
    <message>
        <source>Type a name for the target.</source>
        <translation>Tapez un nom pour la cible.</translation>
    </message>
    <message>
        <source>Replace a saved target</source>
        <translation>Remplacer une cible enregistrée</translation>
    </message>
    <message>
        <source>A saved target is already called “%1”. Replace it with this one?</source>
        <translation>Une cible enregistrée s’appelle déjà «&#xa0;%1&#xa0;». La remplacer par celle-ci&#x202f;?</translation>
    </message>
</context>
<context>
    <name>SavedTargetsTable</name>
    <message>
        <source>Target name</source>
        <translation>Nom de la cible</translation>
    </message>
    <message>
        <source>Created on</source>
        <translation>Créée le</translation>
    </message>
    <message>
        <source>Used on</source>
        <translation>Utilisée le</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Description</translation>
    </message>
</context>
<context>
    <name>SortDialog</name>
    <message>
        <source>Sort order</source>
        <translation>Ordre de tri</translation>
    </message>
    <message>
        <source>The rows are sorted by the first field, then by the second for equal values, and so on. Space or a double click switches between ascending and descending.</source>
        <translation>Les lignes sont triées sur le premier champ, puis sur le deuxième en cas d’égalité, et ainsi de suite. La barre d’espace ou un double-clic fait passer de croissant à décroissant.</translation>
    </message>
</context>
<context>
    <name>TargetingScreen</name>
    <message>
        <source>Choose criteria on the left to find your customers (for example %1 or %2), or open a saved target (Ctrl+O). Until then, the list shows every customer.</source>
        <extracomment>The columns of a new target: the engine&apos;s defaults. What to do first, over the list while the target is new and has no criteria.</extracomment>
        <translation>Choisissez des critères à gauche pour trouver vos clients (par exemple %1 ou %2), ou ouvrez une cible enregistrée (Ctrl+O). D’ici là, la liste montre tous les clients.</translation>
    </message>
    <message>
        <source>One row per vehicle</source>
        <translation>Une ligne par véhicule</translation>
    </message>
    <message>
        <source>One row per customer</source>
        <translation>Une ligne par client</translation>
    </message>
    <message>
        <source>One row per customer: a customer with three old cars gets one letter, not three (Ctrl+U)</source>
        <translation>Une ligne par client&#xa0;: un client qui a trois vieilles voitures reçoit un seul courrier, pas trois (Ctrl+U)</translation>
    </message>
    <message>
        <source>Only removed</source>
        <translation>Retirés seulement</translation>
    </message>
    <message>
        <source>Show only the rows of the customers removed by hand (Ctrl+H)</source>
        <translation>Afficher seulement les lignes des clients retirés à la main (Ctrl+H)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Stop the query under way (Esc)</source>
        <translation>Arrêter la requête en cours (Échap)</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Exécuter</translation>
    </message>
    <message>
        <source>Count and list again now (F5)</source>
        <translation>Recompter et relister maintenant (F5)</translation>
    </message>
    <message>
        <source>&amp;New target</source>
        <translation>&amp;Nouvelle cible</translation>
    </message>
    <message>
        <source>&amp;Open a target…</source>
        <translation>&amp;Ouvrir une cible…</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Enregistrer</translation>
    </message>
    <message>
        <source>Save &amp;as…</source>
        <translation>Enregistrer &amp;sous…</translation>
    </message>
    <message>
        <source>&amp;Rename…</source>
        <translation>&amp;Renommer…</translation>
    </message>
    <message>
        <source>&amp;Import a target file…</source>
        <translation>&amp;Importer un fichier de cible…</translation>
    </message>
    <message>
        <source>Open a target shared as a JSON file</source>
        <translation>Ouvrir une cible partagée sous forme de fichier JSON</translation>
    </message>
    <message>
        <source>&amp;Export to a target file…</source>
        <translation>E&amp;xporter vers un fichier de cible…</translation>
    </message>
    <message>
        <source>Write this target as a JSON file to share with another site</source>
        <translation>Écrire cette cible dans un fichier JSON à partager avec un autre site</translation>
    </message>
    <message>
        <source>&amp;Fields to display…</source>
        <translation>Champs à a&amp;fficher…</translation>
    </message>
    <message>
        <source>&amp;Sort order…</source>
        <translation>Ordre de &amp;tri…</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>&amp;Exécuter</translation>
    </message>
    <message>
        <source>&amp;Cancel the query</source>
        <translation>&amp;Annuler la requête</translation>
    </message>
    <message>
        <source>One row per &amp;customer</source>
        <translation>Une ligne par cl&amp;ient</translation>
    </message>
    <message>
        <source>Go to the &amp;criteria</source>
        <translation>Aller aux &amp;critères</translation>
    </message>
    <message>
        <source>Go to the &amp;list</source>
        <translation>Aller à la &amp;liste</translation>
    </message>
    <message>
        <source>&amp;Remove the selected customers</source>
        <translation>&amp;Retirer les clients sélectionnés</translation>
    </message>
    <message>
        <source>&amp;Put back the selected customers</source>
        <translation>Ré&amp;intégrer les clients sélectionnés</translation>
    </message>
    <message>
        <source>&amp;Copy the selected rows</source>
        <translation>&amp;Copier les lignes sélectionnées</translation>
    </message>
    <message>
        <source>Go to the &amp;last row</source>
        <translation>Aller à la &amp;dernière ligne</translation>
    </message>
    <message>
        <source>Show &amp;only removed customers</source>
        <translation>Afficher &amp;uniquement les clients retirés</translation>
    </message>
    <message>
        <source>&amp;Target</source>
        <translation>&amp;Cible</translation>
    </message>
    <message>
        <source>&amp;Query</source>
        <translation>&amp;Requête</translation>
    </message>
    <message>
        <source>&amp;List</source>
        <translation>&amp;Liste</translation>
    </message>
    <message>
        <source>The values to tick could not be read from the database.</source>
        <translation>Les valeurs à cocher n’ont pas pu être lues dans la base de données.</translation>
    </message>
    <message>
        <source>No database is open.</source>
        <translation>Aucune base de données n’est ouverte.</translation>
    </message>
    <message>
        <source>New target</source>
        <translation>Nouvelle cible</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>Comptage…</translation>
    </message>
    <message>
        <source>%1 removed record</source>
        <translation>%1 enregistrement retiré</translation>
    </message>
    <message>
        <source>%1 removed records</source>
        <translation>%1 enregistrements retirés</translation>
    </message>
    <message>
        <source>%1 record</source>
        <translation>%1 enregistrement</translation>
    </message>
    <message>
        <source>%1 records</source>
        <translation>%1 enregistrements</translation>
    </message>
    <message>
        <source>Count failed</source>
        <translation>Échec du comptage</translation>
    </message>
    <message>
        <source>The target could not be counted.</source>
        <translation>La cible n’a pas pu être comptée.</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Annulé</translation>
    </message>
    <message>
        <source>Press F5 to count again.</source>
        <translation>Appuyez sur F5 pour recompter.</translation>
    </message>
    <message>
        <source>The list could not be read.</source>
        <translation>La liste n’a pas pu être lue.</translation>
    </message>
    <message>
        <source>· 1 customer removed</source>
        <translation>· 1 client retiré</translation>
    </message>
    <message>
        <source>· %1 customers removed</source>
        <translation>· %1 clients retirés</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>Modifications non enregistrées</translation>
    </message>
    <message>
        <source>The target “%1” has changes that are not saved. Save them?</source>
        <translation>La cible «&#xa0;%1&#xa0;» a des modifications non enregistrées. Les enregistrer&#x202f;?</translation>
    </message>
    <message>
        <source>The saved targets could not be listed.</source>
        <translation>La liste des cibles enregistrées n’a pas pu être lue.</translation>
    </message>
    <message>
        <source>The target could not be opened.</source>
        <translation>La cible n’a pas pu être ouverte.</translation>
    </message>
    <message>
        <source>The targets could not be deleted.</source>
        <translation>Les cibles n’ont pas pu être supprimées.</translation>
    </message>
    <message>
        <source>Save the target</source>
        <translation>Enregistrer la cible</translation>
    </message>
    <message>
        <source>A saved target is already called “%1”. Choose another name.</source>
        <translation>Une cible enregistrée s’appelle déjà «&#xa0;%1&#xa0;». Choisissez un autre nom.</translation>
    </message>
    <message>
        <source>The target could not be saved.</source>
        <translation>La cible n’a pas pu être enregistrée.</translation>
    </message>
    <message>
        <source>Rename the target</source>
        <translation>Renommer la cible</translation>
    </message>
    <message>
        <source>New name:</source>
        <translation>Nouveau nom&#xa0;:</translation>
    </message>
    <message>
        <source>The target could not be renamed.</source>
        <translation>La cible n’a pas pu être renommée.</translation>
    </message>
    <message>
        <source>Import a target file</source>
        <translation>Importer un fichier de cible</translation>
    </message>
    <message>
        <source>Cible targets (*.cible *.json);;All files (*)</source>
        <translation>Cibles (*.cible *.json);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Cible targets (*.cible)</source>
        <translation>Cibles (*.cible)</translation>
    </message>
    <message>
        <source>Cible targets (*.json);;All files (*)</source>
        <translation type="vanished">Cibles (*.json);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>This file cannot be imported.</source>
        <translation>Ce fichier ne peut pas être importé.</translation>
    </message>
    <message>
        <source>Imported from %1. Save it (Ctrl+S) to keep it in this database.</source>
        <translation>Cible importée depuis %1. Enregistrez-la (Ctrl+S) pour la garder dans cette base de données.</translation>
    </message>
    <message>
        <source>Export to a target file</source>
        <translation>Exporter vers un fichier de cible</translation>
    </message>
    <message>
        <source>Cible targets (*.json)</source>
        <translation type="vanished">Cibles (*.json)</translation>
    </message>
    <message>
        <source>The target file could not be written.</source>
        <translation>Le fichier de cible n’a pas pu être écrit.</translation>
    </message>
    <message>
        <source>Target written to %1.</source>
        <translation>Cible écrite dans %1.</translation>
    </message>
</context>
</TS>
