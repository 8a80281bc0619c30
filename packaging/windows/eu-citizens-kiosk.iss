; Inno Setup 6 script for the Windows build. UNTESTED HERE (no Windows machine in this
; project's CI); see packaging/README.md. Compile after kiosk-windows.spec has built
; dist\eu-citizens-kiosk:  iscc packaging\windows\eu-citizens-kiosk.iss
#define AppName "EU citizens' information kiosk"
#define AppVersion "0.1.0"

[Setup]
AppId={{9E87ABAA-33AA-4F88-A199-AD36EA9C148C}
AppName={#AppName}
AppVersion={#AppVersion}
DefaultDirName={autopf}\EU Citizens Kiosk
DisableProgramGroupPage=yes
OutputBaseFilename=eu-citizens-kiosk-{#AppVersion}-windows-setup
PrivilegesRequired=admin
ArchitecturesInstallIn64BitMode=x64compatible
Compression=lzma2
SolidCompression=yes

[Files]
Source: "..\..\dist\eu-citizens-kiosk\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion
; The config is written once and never overwritten; this version's defaults sit beside it.
Source: "..\linux\kiosk.toml"; DestDir: "{commonappdata}\eu-citizens-kiosk"; DestName: "kiosk.toml"; Flags: onlyifdoesntexist uninsneveruninstall
Source: "..\linux\kiosk.toml"; DestDir: "{commonappdata}\eu-citizens-kiosk"; DestName: "kiosk.toml.default"; Flags: ignoreversion
Source: "..\README.md"; DestDir: "{app}"; Flags: ignoreversion

[Dirs]
Name: "{commonappdata}\eu-citizens-kiosk\data"; Permissions: users-modify; Flags: uninsneveruninstall

[Run]
; Start on logon of the kiosk account and restart up to forever on failure (Task Scheduler
; has no UI-loop watchdog like systemd's; the app exits on a crash and is started again).
Filename: "schtasks.exe"; Parameters: "/Create /F /TN ""EU citizens kiosk"" /SC ONLOGON /RL LIMITED /TR ""\""{app}\eu-citizens-kiosk.exe\"" run --fullscreen --config \""{commonappdata}\eu-citizens-kiosk\kiosk.toml\"" --data-dir \""{commonappdata}\eu-citizens-kiosk\data\"""""; Flags: runhidden
Filename: "{app}\eu-citizens-kiosk.exe"; Parameters: "--selftest --data-dir ""{commonappdata}\eu-citizens-kiosk\data"""; Flags: runhidden waituntilterminated; StatusMsg: "Checking the installation..."

[UninstallRun]
Filename: "schtasks.exe"; Parameters: "/Delete /F /TN ""EU citizens kiosk"""; Flags: runhidden; RunOnceId: "DeleteTask"
