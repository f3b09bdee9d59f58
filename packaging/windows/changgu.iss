; Inno Setup 6 script for Changgu's Windows installer.
;
; NOT BUILT OR TESTED HERE: Changgu is developed on Linux, and Inno Setup runs only on Windows.
; packaging/windows/build-windows.yml is the CI workflow that would build it on a Windows runner:
; it runs PyInstaller with packaging/changgu.spec (giving dist\changgu\ with changgu.exe, _internal\,
; models\ and cache\), then `iscc packaging\windows\changgu.iss`.
;
; Installs per machine under Program Files, adds Start-menu entries (normal and kiosk), an optional
; "start in kiosk mode at login" task, and runs `changgu.exe --self-test` at the end.

#define AppName "Changgu"
#define AppNameKo "창구 통역"
#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef KioskArgs
  #define KioskArgs "run"
#endif
#define BundleDir "..\..\dist\changgu"

[Setup]
AppId={{6C8F3B7E-2B1D-4C55-9E0A-4F1B8C3D2A61}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=Changgu maintainers
DefaultDirName={autopf}\Changgu
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequired=admin
OutputDir=..\..\dist
OutputBaseFilename=changgu-{#AppVersion}-setup
; The bundle is ~1 GB, mostly compressed native code and model weights.
Compression=lzma2/normal
SolidCompression=yes
DiskSpanning=no
WizardStyle=modern
UninstallDisplayIcon={app}\changgu.exe

[Languages]
; Korean.isl ships with recent Inno Setup 6 releases; with an older one, drop this line.
Name: "korean"; MessagesFile: "compiler:Languages\Korean.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
korean.KioskTask=로그인할 때 창구 통역을 전체 화면(키오스크 모드)으로 시작
english.KioskTask=Start Changgu full screen (kiosk mode) at login
korean.SelfTest=자가 진단을 실행하는 중입니다…
english.SelfTest=Running the self-test…
korean.KioskEntry=창구 통역 (키오스크 모드)
english.KioskEntry=Changgu (kiosk mode)

[Tasks]
Name: "kioskautostart"; Description: "{cm:KioskTask}"; Flags: unchecked

[Files]
; The whole PyInstaller folder: the program, its Python runtime, Qt, the models.
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "..\README.md"; DestDir: "{app}"; DestName: "README.md"; Flags: ignoreversion

[Dirs]
; Staff add model packs from a USB stick with `changgu models install NAME --from PATH`, run as
; administrator; the models folder stays writable by administrators only.
Name: "{app}\models"

[Icons]
; `changgu run` is full screen (the kiosk); the plain entry opens ordinary windows.
Name: "{group}\{#AppName}"; Filename: "{app}\changgu.exe"; Parameters: "run --windowed"
Name: "{group}\{cm:KioskEntry}"; Filename: "{app}\changgu.exe"; Parameters: "{#KioskArgs}"
Name: "{group}\Changgu self-test"; Filename: "{cmd}"; Parameters: "/k ""{app}\changgu.exe"" --self-test"
Name: "{commonstartup}\{#AppName}"; Filename: "{app}\changgu.exe"; Parameters: "{#KioskArgs}"; Tasks: kioskautostart

[Run]
; The installer's last step: the self-test (models load, fonts render, devices listed), in a
; console that waits for a key so staff can read the report; a failure does not roll the
; installation back. (cmd /c strips the outer quotes: it runs "...\changgu.exe" --self-test & pause.)
Filename: "{cmd}"; Parameters: "/c """"{app}\changgu.exe"" --self-test & pause"""; StatusMsg: "{cm:SelfTest}"; Check: not WizardSilent
; Unattended installs (/SILENT, /VERYSILENT): the same self-test without the console or the pause.
Filename: "{app}\changgu.exe"; Parameters: "--self-test"; StatusMsg: "{cm:SelfTest}"; Flags: runhidden; Check: WizardSilent

[UninstallDelete]
; model packs staff added after installation
Type: filesandordirs; Name: "{app}\models"
Type: filesandordirs; Name: "{app}\cache"
