; Cible's Windows installer. Built by build.py (python3 packaging/windows/build.py), which passes
;   /DVERSION=x.y.z  /DSTAGE=<folder with cible.exe, cible-cli.exe, python\, lib\>
;   /DOUTFILE=<...\Cible-Setup-x.y.z.exe>  /DICON=<cible.ico>  [/DCOMPRESSOR=zlib: the smoke test's fast build]
;
; Per-user install by default, no administrator rights: %LOCALAPPDATA%\Programs\Cible, shortcuts,
; .cible association and uninstall entry under HKEY_CURRENT_USER. For all users of the computer
; (Program Files, HKEY_LOCAL_MACHINE): answer Yes to the question an administrator is asked, or
; run "Cible-Setup.exe /ALLUSERS" (it asks Windows for administrator rights). Silent: /S
; (per-user), /S /ALLUSERS (from an elevated prompt), /D=<folder> to choose the folder,
; /NODESKTOP for no desktop shortcut.
;
; The uninstaller removes the program only: databases, backups (in the data folder,
; %LOCALAPPDATA%\Cible, or wherever the user put them) and settings (HKCU\Software\Cible) stay.

Unicode true
Target amd64-unicode
!ifndef COMPRESSOR
  !define COMPRESSOR lzma
!endif
SetCompressor /SOLID ${COMPRESSOR}
!if ${COMPRESSOR} == lzma
  SetCompressorDictSize 64
!endif
RequestExecutionLevel user
ManifestDPIAware true

!include MUI2.nsh
!include LogicLib.nsh
!include FileFunc.nsh
!include x64.nsh

!define APP "Cible"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Cible"
!define SETTINGS_KEY "Software\Cible\Installer"

Name "${APP} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir ""
BrandingText "${APP} ${VERSION}"
VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=0 "ProductName" "${APP}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileDescription" "${APP} ${VERSION} Setup"
VIAddVersionKey /LANG=0 "LegalCopyright" "Cible"

Var AllUsers

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\cible.exe"
!define MUI_FINISHPAGE_RUN_PARAMETERS "--demo"
!define MUI_FINISHPAGE_RUN_TEXT "$(RUN_DEMO)"
!define MUI_UNCONFIRMPAGE_TEXT_TOP "$(KEPT)"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

; The installer speaks the language of Windows: French on a French Windows, else English.
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "French"

LangString SEC_APP ${LANG_ENGLISH} "Cible (program, Start menu, .cible files)"
LangString SEC_APP ${LANG_FRENCH} "Cible (programme, menu Démarrer, fichiers .cible)"
LangString SEC_DESKTOP ${LANG_ENGLISH} "Shortcut on the desktop"
LangString SEC_DESKTOP ${LANG_FRENCH} "Raccourci sur le Bureau"
LangString SC_DEMO ${LANG_ENGLISH} "Cible (demo database)"
LangString SC_DEMO ${LANG_FRENCH} "Cible (base de démonstration)"
LangString SC_UNINSTALL ${LANG_ENGLISH} "Uninstall Cible"
LangString SC_UNINSTALL ${LANG_FRENCH} "Désinstaller Cible"
LangString SC_GUIDE ${LANG_ENGLISH} "Cible command prompt"
LangString SC_GUIDE ${LANG_FRENCH} "Invite de commandes Cible"
LangString FILETYPE ${LANG_ENGLISH} "Cible target"
LangString FILETYPE ${LANG_FRENCH} "Ciblage Cible"
LangString RUN_DEMO ${LANG_ENGLISH} "Open Cible on the demo database"
LangString RUN_DEMO ${LANG_FRENCH} "Ouvrir Cible sur la base de démonstration"
LangString ASK_ALL ${LANG_ENGLISH} "Install Cible for all users of this computer?$\r$\n$\r$\nYes: in Program Files, for everyone (needs administrator rights).$\r$\nNo: just for you (recommended)."
LangString ASK_ALL ${LANG_FRENCH} "Installer Cible pour tous les utilisateurs de cet ordinateur ?$\r$\n$\r$\nOui : dans Program Files, pour tous (droits d’administrateur nécessaires).$\r$\nNon : pour vous seulement (conseillé)."
LangString NEED_ADMIN ${LANG_ENGLISH} "Installing for all users needs administrator rights: run the installer again with a right click › Run as administrator."
LangString NEED_ADMIN ${LANG_FRENCH} "L’installation pour tous les utilisateurs demande les droits d’administrateur : relancez l’installateur par un clic droit › Exécuter en tant qu’administrateur."
LangString KEPT ${LANG_ENGLISH} "Cible will be removed from this computer. Your databases, backups and settings are KEPT: the data folder $LOCALAPPDATA\Cible (databases and their backups, NAME.backup-DATE-TIME.sqlite), any database you saved elsewhere, and the settings (registry, HKEY_CURRENT_USER\Software\Cible). Delete them yourself if you no longer need them."
LangString KEPT ${LANG_FRENCH} "Cible va être retiré de cet ordinateur. Vos bases, sauvegardes et paramètres sont CONSERVÉS : le dossier des données $LOCALAPPDATA\Cible (bases et leurs sauvegardes, NOM.backup-DATE-HEURE.sqlite), toute base enregistrée ailleurs, et les paramètres (registre, HKEY_CURRENT_USER\Software\Cible). Supprimez-les vous-même s’ils ne servent plus."

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "Cible needs 64-bit Windows 10 or later." /SD IDOK
    Abort
  ${EndIf}
  SetRegView 64
  StrCpy $AllUsers 0
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/ALLUSERS" $R1
  ${IfNot} ${Errors}
    StrCpy $AllUsers 1
  ${EndIf}
  UserInfo::GetAccountType
  Pop $R2
  ${If} $AllUsers == 0
  ${AndIf} $R2 == "Admin"
  ${AndIfNot} ${Silent}
    MessageBox MB_YESNO|MB_ICONQUESTION|MB_DEFBUTTON2 "$(ASK_ALL)" /SD IDNO IDNO per_user
    StrCpy $AllUsers 1
    per_user:
  ${ElseIf} $AllUsers == 0
  ${AndIfNot} ${Silent}
    ; a standard account: per user (an administrator who wants all users runs it elevated)
  ${EndIf}
  ${If} $AllUsers == 1
  ${AndIf} $R2 != "Admin"
    ${IfNot} ${Silent}
      ; ask Windows for administrator rights (UAC) and let the elevated copy install
      ExecShell "runas" "$EXEPATH" "/ALLUSERS"
      ${If} ${Errors}
        MessageBox MB_ICONSTOP "$(NEED_ADMIN)"
      ${EndIf}
    ${EndIf}
    Quit
  ${EndIf}
  ${If} $AllUsers == 1
    SetShellVarContext all
    ${If} $INSTDIR == ""
      StrCpy $INSTDIR "$PROGRAMFILES64\${APP}"
    ${EndIf}
  ${Else}
    SetShellVarContext current
    ${If} $INSTDIR == ""
      StrCpy $INSTDIR "$LOCALAPPDATA\Programs\${APP}"
    ${EndIf}
  ${EndIf}
FunctionEnd

Section "$(SEC_APP)" SecApp
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; an upgrade: the old program's files go first (never the user's data: it is not here)
  RMDir /r "$INSTDIR\python"
  RMDir /r "$INSTDIR\lib"
  File /r "${STAGE}\*.*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateDirectory "$SMPROGRAMS\${APP}"
  CreateShortcut "$SMPROGRAMS\${APP}\${APP}.lnk" "$INSTDIR\cible.exe" "" "$INSTDIR\cible.ico"
  CreateShortcut "$SMPROGRAMS\${APP}\$(SC_DEMO).lnk" "$INSTDIR\cible.exe" "--demo" "$INSTDIR\cible.ico"
  CreateShortcut "$SMPROGRAMS\${APP}\$(SC_GUIDE).lnk" "$SYSDIR\cmd.exe" '/k "cd /d "$PROFILE" && "$INSTDIR\cible-cli.exe" --help"' "$INSTDIR\cible.ico"
  CreateShortcut "$SMPROGRAMS\${APP}\$(SC_UNINSTALL).lnk" "$INSTDIR\uninstall.exe"

  ; .cible target files open in Cible (Windows associates by the last extension)
  WriteRegStr SHCTX "Software\Classes\.cible" "" "Cible.Target"
  WriteRegStr SHCTX "Software\Classes\.cible" "Content Type" "application/json"
  WriteRegStr SHCTX "Software\Classes\Cible.Target" "" "$(FILETYPE)"
  WriteRegStr SHCTX "Software\Classes\Cible.Target\DefaultIcon" "" "$INSTDIR\cible.exe,0"
  WriteRegStr SHCTX "Software\Classes\Cible.Target\shell\open\command" "" '"$INSTDIR\cible.exe" "%1"'
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'

  WriteRegStr SHCTX "${SETTINGS_KEY}" "InstallDir" "$INSTDIR"
  WriteRegDWORD SHCTX "${SETTINGS_KEY}" "AllUsers" $AllUsers
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "DisplayName" "${APP}"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "Publisher" "${APP}"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\cible.exe,0"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  ${If} $AllUsers == 1
    WriteRegStr SHCTX "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe" /ALLUSERS'
    WriteRegStr SHCTX "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /ALLUSERS /S'
  ${Else}
    WriteRegStr SHCTX "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
    WriteRegStr SHCTX "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  ${EndIf}
  WriteRegDWORD SHCTX "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD SHCTX "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD SHCTX "${UNINSTALL_KEY}" "EstimatedSize" $0
SectionEnd

Section "$(SEC_DESKTOP)" SecDesktop
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/NODESKTOP" $R1
  ${If} ${Errors}
    CreateShortcut "$DESKTOP\${APP}.lnk" "$INSTDIR\cible.exe" "" "$INSTDIR\cible.ico"
  ${EndIf}
SectionEnd

Function un.onInit
  SetRegView 64
  StrCpy $AllUsers 0
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/ALLUSERS" $R1
  ${IfNot} ${Errors}
    StrCpy $AllUsers 1
  ${EndIf}
  ${If} $AllUsers == 1
    UserInfo::GetAccountType
    Pop $R2
    ${If} $R2 != "Admin"
      ${IfNot} ${Silent}
        ExecShell "runas" "$INSTDIR\uninstall.exe" "/ALLUSERS"
      ${EndIf}
      Quit
    ${EndIf}
    SetShellVarContext all
  ${Else}
    SetShellVarContext current
  ${EndIf}
FunctionEnd

Section "Uninstall"
  ; the program only: the user's databases, backups and settings are not in $INSTDIR
  RMDir /r "$INSTDIR\python"
  RMDir /r "$INSTDIR\lib"
  Delete "$INSTDIR\cible.exe"
  Delete "$INSTDIR\cible-cli.exe"
  Delete "$INSTDIR\cible.ico"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  RMDir /r "$SMPROGRAMS\${APP}"
  Delete "$DESKTOP\${APP}.lnk"
  ReadRegStr $R0 SHCTX "Software\Classes\.cible" ""
  ${If} $R0 == "Cible.Target"
    DeleteRegKey SHCTX "Software\Classes\.cible"
  ${EndIf}
  DeleteRegKey SHCTX "Software\Classes\Cible.Target"
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
  DeleteRegKey SHCTX "${UNINSTALL_KEY}"
  DeleteRegKey SHCTX "${SETTINGS_KEY}"
  DetailPrint "$(KEPT)"
SectionEnd

!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
!insertmacro MUI_FUNCTION_DESCRIPTION_END
