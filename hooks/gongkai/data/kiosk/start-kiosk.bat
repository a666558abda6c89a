@echo off
rem gongkai kiosk: start the local server and open the site full screen (needs Python 3 and Chrome or Edge).
cd /d "%~dp0"
python serve.py %*
if errorlevel 1 pause
