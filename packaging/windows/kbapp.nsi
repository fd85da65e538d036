; NSIS installer for the Windows bundle (dist\kbapp\ from packaging\kbapp.spec).
;   makensis /DVERSION=0.1.0 packaging\windows\kbapp.nsi   ->  dist\kbapp-setup-0.1.0.exe
; Installs for the current user (no administrator rights needed, as most support engineers
; have none) into %LOCALAPPDATA%\Programs\kbapp, with a Start-menu entry for the window
; (应急知识库 kbapp) and one for a console with kbapp-cli on its PATH, and an uninstaller
; listed in Settings > Apps. The data home (%LOCALAPPDATA%\kbapp) is never touched by it.
Unicode true
!ifndef VERSION
  !define VERSION "0.1.0"
!endif
!define APP "kbapp"
!define DIST "..\..\dist\kbapp"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP}"

Name "kbapp ${VERSION} 应急知识库"
OutFile "..\..\dist\kbapp-setup-${VERSION}.exe"
InstallDir "$LOCALAPPDATA\Programs\${APP}"
InstallDirRegKey HKCU "Software\${APP}" "InstallDir"
RequestExecutionLevel user
SetCompressor /SOLID lzma
Icon "..\kbapp.ico"
UninstallIcon "..\kbapp.ico"

!include "MUI2.nsh"
!define MUI_ICON "..\kbapp.ico"
!define MUI_UNICON "..\kbapp.ico"
!define MUI_FINISHPAGE_RUN "$INSTDIR\kbapp.exe"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "English"

Section "kbapp" SecMain
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; An update replaces the whole bundle: no stale module of an older version stays behind.
  RMDir /r "$INSTDIR\_internal"
  File /r "${DIST}\*.*"
  File "..\kbapp.ico"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateDirectory "$SMPROGRAMS\kbapp"
  CreateShortcut "$SMPROGRAMS\kbapp\应急知识库 kbapp.lnk" "$INSTDIR\kbapp.exe" "" "$INSTDIR\kbapp.ico" 0
  ; A console where kbapp-cli works: cmd with the install folder first on PATH.
  CreateShortcut "$SMPROGRAMS\kbapp\kbapp 命令行 command line.lnk" "$SYSDIR\cmd.exe" \
    '/k "set PATH=$INSTDIR;%PATH% && chcp 65001 >nul && kbapp-cli --help"' "$INSTDIR\kbapp.ico" 0
  CreateShortcut "$SMPROGRAMS\kbapp\卸载 Uninstall kbapp.lnk" "$INSTDIR\uninstall.exe"

  WriteRegStr HKCU "Software\${APP}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "kbapp 应急知识库"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\kbapp.ico"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  Delete "$SMPROGRAMS\kbapp\*.lnk"
  RMDir "$SMPROGRAMS\kbapp"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\kbapp.exe"
  Delete "$INSTDIR\kbapp-cli.exe"
  Delete "$INSTDIR\kbapp.ico"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINST_KEY}"
  DeleteRegKey HKCU "Software\${APP}"
SectionEnd
